"""The curated items of the demo's library, per organization and family.

Every medium and URL is fictional and uses the reserved ``.example`` domain;
``{year}`` is filled in from the demo's reference date.
"""

from __future__ import annotations

from ambassade.demo.data import parse

VERDANE_COMPANY = parse(
    """
job_offer fr carrieres.verdane-energie.example #recrutement #solaire #ingénierie
Ingénieur études photovoltaïques H/F – Paris
CDI au sein de l'équipe solaire : dimensionnement de centrales au sol et en toiture, du relevé de site à la mise en service.
- l'équipe solaire cherche quelqu'un qui aime autant le terrain que les simulations
- on conçoit des centrales de A à Z, ce qui est rare dans le secteur

job_offer fr carrieres.verdane-energie.example #recrutement #éolien #maroc
Technicien de maintenance éolien H/F – Casablanca
Rejoignez l'équipe d'exploitation de nos parcs éoliens au Maroc : maintenance préventive, diagnostics et sécurité.
- nos parcs au Maroc grandissent et l'équipe maintenance aussi
- un poste où la sécurité et le travail d'équipe passent avant tout

job_offer fr carrieres.verdane-energie.example #recrutement #réseau #gestiondeprojet
Chef de projet raccordement réseau H/F – Paris
Pilotez le raccordement de nos projets renouvelables avec les gestionnaires de réseau, des études jusqu'à la mise sous tension.
- le raccordement est souvent le goulot d'étranglement des projets, ce poste est clé
- il faut savoir parler aussi bien aux ingénieurs qu'aux collectivités

job_offer fr carrieres.verdane-energie.example #recrutement #data #énergie
Data scientist prévision de production H/F – Paris
Améliorez nos modèles de prévision solaire et éolienne à partir des données météo et des mesures de nos parcs.
- prévoir la production à quelques heures près change tout pour l'équilibre du réseau
- des données de terrain très riches et une équipe data bienveillante

job_offer fr carrieres.verdane-energie.example #recrutement #afrique #développement
Responsable développement Afrique de l'Ouest H/F – Casablanca
Identifiez et développez de nouveaux projets solaires et hybrides en Afrique de l'Ouest depuis notre bureau de Casablanca.
- un rôle pour quelqu'un qui connaît le terrain ouest-africain et aime construire
- le bureau de Casablanca est le cœur de notre croissance en Afrique

job_offer fr carrieres.verdane-energie.example #alternance #communication
Alternance – Chargé de communication digitale H/F
Alternance de 12 à 24 mois au sein de l'équipe marketing : réseaux sociaux, contenus et événements.
- une belle première expérience dans une équipe qui laisse de la place aux idées
- parfait pour un étudiant curieux de la transition énergétique

job_offer fr carrieres.verdane-energie.example #recrutement #hydrogène #rd
Ingénieur R&D électrolyse H/F – Paris
Au sein du laboratoire hydrogène, testez et qualifiez de nouvelles générations d'électrolyseurs.
- le labo hydrogène s'agrandit, c'est le moment de le rejoindre
- on y travaille sur des bancs d'essai qui n'existent nulle part ailleurs en France

job_offer fr carrieres.verdane-energie.example #recrutement #finance
Contrôleur de gestion projets H/F – Paris
Suivez la rentabilité de nos projets de la construction à l'exploitation, en lien étroit avec les équipes techniques.
- la finance de projet dans les renouvelables, c'est concret et passionnant
- un poste au contact direct des équipes de construction

event fr www.verdane-energie.example #webinaire #autoconsommation #collectivités
Webinaire : l'autoconsommation collective expliquée aux collectivités
Une heure pour comprendre le cadre, les étapes et les premiers retours d'expérience de nos projets d'autoconsommation.
- les élus nous posent souvent la question, voilà une heure pour y répondre
- des retours d'expérience concrets plutôt que de la théorie

event fr www.verdane-energie.example #portesouvertes #casablanca
Journée portes ouvertes du site de Casablanca
Visite du centre de supervision, rencontres avec les équipes et présentation de nos métiers au Maroc.
- venez voir le centre de supervision, c'est impressionnant en vrai
- l'occasion de rencontrer les équipes qui pilotent nos parcs

event fr www.verdane-energie.example #forum #énergie #stockage
Verdane au Forum des énergies d'avenir {year}
Retrouvez nos équipes sur le stand B12 : conférences sur le stockage et le réseau, et rencontres recrutement.
- on tient un stand et on sera plusieurs à y passer, faites signe
- deux conférences de l'équipe stockage à ne pas manquer

award fr www.verdane-energie.example #innovation #réseau #trophée
Verdane lauréate du Trophée de l'innovation réseau
Notre solution de pilotage des flexibilités locales a été distinguée par le jury pour son impact sur les réseaux de distribution.
- une reconnaissance pour des années de travail de l'équipe smart grids
- la flexibilité locale est enfin prise au sérieux

award fr www.verdane-energie.example #marqueemployeur #label
Verdane obtient le label Employeur engagé {year}
Le label récompense nos engagements sur la formation, l'égalité professionnelle et la qualité de vie au travail.
- ce label reflète ce que je vis au quotidien dans l'équipe
- la formation continue n'est pas un slogan ici

company_news fr www.verdane-energie.example #solaire #maroc #miseenservice
Mise en service de la centrale solaire de Benslimane
42 MWc raccordés au réseau marocain, de quoi alimenter l'équivalent de 60 000 foyers.
- après deux ans de chantier, voir la centrale produire est une vraie fierté
- c'est notre plus grand projet au Maroc à ce jour

company_news fr www.verdane-energie.example #résultats #croissance #renouvelables
Résultats annuels : la capacité installée de Verdane double
Avec 1,2 GW en exploitation, Verdane double sa capacité en un an et renforce ses investissements dans le stockage.
- une croissance qui se voit aussi dans les recrutements
- le stockage devient une activité à part entière

company_news fr www.verdane-energie.example #ppa #agriculture
Verdane signe un contrat d'électricité verte avec une coopérative agricole
Un contrat d'achat d'électricité sur quinze ans qui sécurise le prix de l'énergie de 300 exploitations.
- un contrat long terme qui protège les agriculteurs de la volatilité des prix
- le genre de projet qui donne du sens à notre métier
"""
)

VERDANE_MARKET = parse(
    """
analysis fr www.energie-hebdo.example #hydrogène #transitionénergétique
Hydrogène vert : où en est la filière française en {year} ?
Le coût de production de l'hydrogène renouvelable recule, porté par la baisse du prix des électrolyseurs. Tour d'horizon des projets.
- les électrolyseurs coûtent beaucoup moins cher qu'il y a cinq ans
- la vraie question reste l'accès à une électricité bas carbone abondante

white_paper fr www.verdane-energie.example #stockage #batteries #livreblanc
Livre blanc : le stockage par batteries au service du réseau
Notre livre blanc détaille les usages du stockage stationnaire : services système, arbitrage et report de production solaire.
- le stockage ne sert pas qu'à stocker, il stabilise aussi la fréquence
- les batteries couplées au solaire changent l'économie des projets

sector_news fr www.transition-mag.example #solaire #record
Le solaire a battu un record de production au printemps
Jamais les panneaux photovoltaïques n'avaient fourni une part aussi importante de l'électricité consommée en France.
- à certaines heures, le solaire couvre maintenant une grosse part de la demande
- il faudra du stockage et de la flexibilité pour absorber ces pics

analysis fr www.reseaux-demain.example #réseau #raccordement
Raccordement : pourquoi les files d'attente s'allongent
Les demandes de raccordement de projets renouvelables explosent. Les gestionnaires de réseau revoient leurs procédures.
- le réseau devient le facteur limitant de la transition
- mieux planifier les raccordements ferait gagner des années

sector_news en www.gridinsight.example #grid #energytransition
Europe's grid investment gap, in five charts
Grid operators will need to double their annual investment to connect new renewables and electrified demand.
- grids need to grow as fast as renewables or the transition stalls
- permitting is as much of a bottleneck as money

white_paper fr www.verdane-energie.example #autoconsommation #livreblanc
Livre blanc : réussir un projet d'autoconsommation collective
Cadre réglementaire, montage juridique, partage de la production : notre guide pratique pour les collectivités et les entreprises.
- le montage juridique fait peur mais il est plus simple qu'on ne le croit
- partager la production locale fédère un territoire

analysis fr www.afrique-energies.example #maroc #renouvelables
Maroc : l'objectif de 52 % de renouvelables est-il à portée ?
Éolien, solaire et interconnexions : le point sur la trajectoire du mix électrique marocain.
- le Maroc avance vite, notamment grâce à l'éolien du sud
- les interconnexions avec l'Europe vont peser dans la balance

sector_news fr www.energie-hebdo.example #éolienenmer
Éolien en mer : trois nouveaux parcs attribués
L'État a désigné les lauréats de trois appels d'offres, pour une capacité cumulée de 2,5 GW.
- l'éolien en mer passe enfin à l'échelle en France
- ces parcs vont créer beaucoup d'emplois dans les ports

analysis en www.h2-review.example #hydrogen #electrolysis
Green hydrogen: what it takes to reach cost parity
Electrolyser prices, capacity factors and power costs: the three levers that decide when green hydrogen beats grey.
- cheap renewable power matters more than cheaper electrolysers
- running electrolysers many hours a year is the key to cost

sector_news fr www.transition-mag.example #marchéélectricité #flexibilité
Prix négatifs de l'électricité : un phénomène qui s'installe
Les heures à prix négatifs se multiplient au printemps et en été. Ce que cela dit du besoin de flexibilité.
- des prix négatifs, c'est le signal qu'il manque de la flexibilité
- le stockage et le pilotage de la demande sont la réponse

analysis fr www.reseaux-demain.example #smartgrid #flexibilité
Smart grids : les flexibilités locales sortent du laboratoire
Pilotage des bornes de recharge, des chauffe-eau et des batteries : les premiers marchés locaux de flexibilité se structurent.
- piloter des milliers de petits équipements, c'est devenu réaliste
- les collectivités ont un vrai rôle à jouer

white_paper fr www.observatoire-climat.example #neutralitécarbone #scénarios
Neutralité carbone 2050 : scénarios pour le système électrique
Quatre scénarios chiffrés pour un système électrique décarboné, de la sobriété à l'électrification massive.
- tous les scénarios ont besoin de beaucoup plus de renouvelables
- la sobriété rend tout le reste plus facile

sector_news fr www.energie-hebdo.example #agrivoltaïsme #solaire
Agrivoltaïsme : le cadre réglementaire enfin précisé
Le décret fixe les conditions pour que les installations solaires restent compatibles avec l'activité agricole.
- l'agrivoltaïsme peut protéger les cultures tout en produisant
- un cadre clair, c'est ce que demandaient les agriculteurs

analysis en www.gridinsight.example #storage #batteries
Battery storage is reshaping Europe's balancing markets
Grid-scale batteries now provide a large share of frequency response in several countries, pushing prices down.
- batteries have become the fastest tool to balance the grid
- revenue models for storage are shifting quickly

sector_news fr www.afrique-energies.example #afrique #électrification #minigrid
Afrique de l'Ouest : les mini-réseaux solaires changent d'échelle
Financements, modèles de paiement et maintenance : comment les mini-réseaux électrifient les zones rurales.
- les mini-réseaux apportent l'électricité là où le réseau n'ira pas avant longtemps
- le paiement mobile a tout changé pour ces projets

analysis fr www.transition-mag.example #pompeàchaleur #électrification
Pompes à chaleur : le marché repart-il ?
Après une année de ralentissement, les ventes de pompes à chaleur montrent des signes de reprise.
- l'électrification du chauffage est un levier énorme
- les aides publiques restent déterminantes pour les ménages

white_paper fr www.verdane-energie.example #éolien #repowering #livreblanc
Livre blanc : repowering des parcs éoliens, mode d'emploi
Remplacer les premières éoliennes par des machines plus puissantes : enjeux techniques, environnementaux et économiques.
- remplacer de vieilles éoliennes peut tripler la production d'un site
- les sites existants sont déjà acceptés localement, c'est un atout

sector_news fr www.energie-hebdo.example #biométhane
Le biométhane dépasse les 10 TWh injectés
La production de biométhane poursuit sa croissance, portée par les méthaniseurs agricoles.
- le biogaz agricole monte en puissance sans faire de bruit
- c'est une vraie source de revenus pour les exploitations

analysis fr www.reseaux-demain.example #mobilitéélectrique #réseau
Recharge des véhicules électriques : quel impact sur le réseau ?
Avec la recharge pilotée, le développement des véhicules électriques reste compatible avec le réseau actuel.
- recharger la nuit ou à midi change tout pour le réseau
- la voiture électrique peut même devenir une batterie pour la maison

sector_news en www.h2-review.example #hydrogen #morocco
Morocco's green hydrogen corridor takes shape
Land allocations, export pipelines and port projects: Morocco positions itself as a hydrogen supplier for Europe.
- Morocco has the sun, the wind and the space for green hydrogen
- export infrastructure will decide who wins

analysis fr www.observatoire-climat.example #climat #résilience
Canicules et production électrique : le nucléaire et le solaire face à la chaleur
Les épisodes de chaleur pèsent sur le refroidissement des centrales et sur le rendement des panneaux.
- le changement climatique oblige à repenser la résilience du système
- diversifier les moyens de production, c'est aussi s'adapter

sector_news fr www.transition-mag.example #solaire #appeldoffres
Appels d'offres solaires : des prix toujours très compétitifs
Le dernier appel d'offres pour le solaire au sol confirme des prix parmi les plus bas des moyens de production.
- le solaire au sol reste l'une des électricités les moins chères
- la concurrence pousse à innover sur la construction

analysis fr www.energie-hebdo.example #sobriété #entreprises
Sobriété énergétique : ce que les entreprises ont vraiment changé
Éclairage, chauffage, process : le bilan des plans de sobriété deux ans après.
- beaucoup de gestes simples ont tenu dans la durée
- les économies les plus durables viennent du pilotage des bâtiments

white_paper en www.gridinsight.example #digitaltwin #maintenance
White paper: digital twins for renewable asset management
How operators use digital twins of wind and solar plants to predict failures and optimise maintenance.
- predictive maintenance cuts downtime on wind farms
- good data from the field is the hard part, not the model

sector_news fr www.afrique-energies.example #interconnexion #maroc #europe
Interconnexion Maroc–Europe : un nouveau câble à l'étude
Un projet de câble sous-marin haute tension permettrait d'exporter de l'électricité renouvelable vers l'Europe.
- les câbles sous-marins sont la prochaine frontière du réseau
- l'électricité renouvelable marocaine intéresse toute l'Europe

analysis fr www.reseaux-demain.example #cybersécurité #réseau
Cybersécurité des réseaux électriques : une menace qui grandit
La numérisation des réseaux ouvre de nouvelles surfaces d'attaque. Les opérateurs renforcent leurs défenses.
- plus le réseau est intelligent, plus il doit être protégé
- la sécurité doit être pensée dès la conception des équipements

sector_news fr www.energie-hebdo.example #solaire #toiture #entreprises
Solaire en toiture : les installations des entreprises s'accélèrent
Parkings, entrepôts et bâtiments tertiaires se couvrent de panneaux, portés par l'obligation de solarisation.
- les toitures et parkings sont un gisement énorme et déjà artificialisé
- l'obligation de solarisation accélère les décisions

analysis en www.h2-review.example #hydrogen #industry
Where hydrogen makes sense, and where it does not
Steel, fertilisers and heavy transport lead the list; home heating and cars do not.
- hydrogen should go where there is no electric alternative
- industry will be the first real market

white_paper fr www.verdane-energie.example #ppa #pme #livreblanc
Livre blanc : les contrats d'achat d'électricité pour les PME
Comment une PME peut sécuriser son prix de l'électricité sur dix ans grâce à un contrat d'achat direct.
- les contrats d'achat direct ne sont plus réservés aux grands groupes
- sécuriser son prix de l'énergie, c'est sécuriser ses marges

sector_news fr www.transition-mag.example #emploi #transitionénergétique
Les emplois de la transition énergétique en forte hausse
Techniciens, ingénieurs, chefs de projet : la filière renouvelable peine à recruter aussi vite qu'elle croît.
- la filière manque de techniciens plus que d'ingénieurs
- les reconversions vers les renouvelables marchent très bien

analysis fr www.observatoire-climat.example #solaire #carbone
Empreinte carbone des panneaux solaires : idées reçues et chiffres
Fabrication, transport, recyclage : ce que disent les analyses de cycle de vie.
- un panneau rembourse sa dette carbone en quelques années seulement
- le recyclage des panneaux est déjà organisé

sector_news en www.gridinsight.example #offshorewind
Offshore wind costs: the rebound after the inflation shock
After two difficult years, offshore wind auctions attract bidders again as supply chains stabilise.
- offshore wind is back on track after a rough patch
- supply chains matter as much as technology

analysis fr www.energie-hebdo.example #mixénergétique
Nucléaire et renouvelables : complémentaires ou concurrents ?
Un débat souvent caricatural. Les études montrent surtout le besoin de flexibilité, quel que soit le mix.
- opposer nucléaire et renouvelables n'aide personne
- la flexibilité est le vrai sujet commun à tous les scénarios

sector_news fr www.afrique-energies.example #formation #maroc #solaire
Casablanca accueille un nouveau centre de formation aux métiers du solaire
Le centre formera chaque année plusieurs centaines de techniciens à l'installation et à la maintenance.
- former des techniciens localement, c'est la clé de la croissance au Maroc
- les besoins en compétences sont énormes dans toute la région

analysis fr www.reseaux-demain.example #stockage #innovation
Stockage longue durée : au-delà des batteries lithium
STEP, air comprimé, batteries à flux : les technologies qui pourraient stocker l'énergie sur plusieurs jours.
- le lithium ne suffira pas pour stocker sur plusieurs jours
- les STEP restent imbattables pour les gros volumes

white_paper fr www.observatoire-climat.example #concertation #acceptabilité
Étude : l'acceptabilité locale des projets renouvelables
Ce qui fait qu'un projet est bien accueilli : concertation précoce, retombées locales et transparence.
- associer les riverains très tôt change complètement l'accueil d'un projet
- le financement participatif aide beaucoup

sector_news fr www.transition-mag.example #industrie #décarbonation
Électrification de l'industrie : les premiers fours électriques à grande échelle
Verre, acier, chimie : plusieurs industriels passent à l'électricité pour décarboner la chaleur.
- même la chaleur industrielle peut passer à l'électricité
- il faudra beaucoup d'électricité bas carbone pour suivre

analysis en www.gridinsight.example #demandresponse #flexibility
Demand response: the cheapest power plant is the one you do not build
Shifting consumption in time could avoid billions in peak capacity investment.
- shifting demand is often cheaper than building capacity
- smart tariffs are what makes it work for households

sector_news fr www.energie-hebdo.example #efficacitéénergétique
Le marché des certificats d'économies d'énergie se réforme
Nouvelle période, nouveaux objectifs : ce qui change pour les entreprises et les particuliers.
- les certificats d'économies d'énergie financent beaucoup de travaux
- la réforme devrait limiter les fraudes

analysis fr www.afrique-energies.example #eau #solaire #maroc
Dessalement solaire : une réponse au stress hydrique ?
Au Maroc et ailleurs, les usines de dessalement alimentées par le solaire se multiplient.
- l'eau et l'énergie sont deux défis liés
- le solaire rend le dessalement plus soutenable

sector_news fr www.reseaux-demain.example #données #énergie
Compteurs communicants : ce que les données permettent déjà
Suivi de consommation, détection de pannes, tarifs dynamiques : les usages des données de comptage.
- les données de comptage sont sous-exploitées
- les tarifs dynamiques vont changer nos habitudes

analysis fr www.observatoire-climat.example #hydroélectricité #climat
Sécheresse et hydroélectricité : un été sous tension
La faible hydraulicité pèse sur la production et rappelle la vulnérabilité climatique du parc.
- l'hydroélectricité dépend de plus en plus de la météo
- il faut diversifier pour rester résilient

sector_news fr www.energie-hebdo.example #éolien #simplification
Éolien terrestre : la durée d'instruction des projets raccourcit
Les mesures de simplification commencent à produire leurs effets sur les délais d'autorisation.
- sept ans pour faire un parc éolien, c'était intenable
- simplifier sans rogner sur la concertation, c'est possible

analysis fr www.transition-mag.example #énergiecitoyenne
Communautés énergétiques : les citoyens deviennent producteurs
Coopératives et collectifs citoyens investissent dans des parcs solaires et éoliens locaux.
- les projets citoyens créent une vraie adhésion locale
- investir dans le parc de son territoire a du sens

sector_news en www.h2-review.example #hydrogen #manufacturing
Electrolyser factories ramp up in Europe
New gigawatt-scale factories aim to cut costs and secure supply for European hydrogen projects.
- Europe wants to build its own electrolysers, not import them
- scale is what brings the cost down

white_paper fr www.verdane-energie.example #efficacitéénergétique #industrie #livreblanc
Livre blanc : piloter la consommation d'un site industriel
Méthode en cinq étapes pour mesurer, analyser et réduire la facture énergétique d'un site.
- on ne réduit bien que ce que l'on mesure
- les gains les plus rapides viennent souvent des réglages
"""
)

CALDERA_COMPANY = parse(
    """
job_offer fr recrutement.maison-caldera.example #recrutement #cuisine #restauration
Chef de partie H/F – Brasserie Caldera, Paris 11e
Rejoignez une brigade de douze personnes autour d'une cuisine de saison et de produits d'Île-de-France.
- une brigade soudée et une cuisine qui change avec les saisons
- on travaille avec des producteurs que l'on connaît par leur prénom

job_offer fr recrutement.maison-caldera.example #recrutement #hôtellerie
Réceptionniste tournant H/F – Hôtel Caldera Bastille
Accueil, réservations et conciergerie dans un hôtel de 64 chambres, avec des plannings publiés trois semaines à l'avance.
- des plannings connus trois semaines à l'avance, c'est rare dans l'hôtellerie
- une équipe de réception qui aime vraiment l'accueil

job_offer fr recrutement.maison-caldera.example #recrutement #sommellerie #vin
Sommelier H/F – Restaurant Le Caldera
Construisez la carte des vins avec le chef et faites découvrir des vignerons engagés.
- une carte des vins à construire presque entièrement
- on cherche quelqu'un qui aime raconter les vignerons

job_offer fr recrutement.maison-caldera.example #recrutement #revenuemanagement
Responsable revenue management H/F – Siège, Paris
Pilotez la stratégie tarifaire de nos trois hôtels et accompagnez l'ouverture du prochain.
- un poste clé pour la croissance du groupe
- beaucoup d'autonomie et des outils modernes

event fr www.maison-caldera.example #terrasse #paris #événement
Soirée d'inauguration de la terrasse du Caldera Bastille
Musique, cocktails de saison et assiettes à partager pour lancer la saison en terrasse.
- la terrasse est enfin prête, venez trinquer avec nous
- l'équipe bar a préparé des cocktails maison

award fr www.maison-caldera.example #restaurationresponsable #antigaspi
Maison Caldera distinguée au palmarès des tables responsables
Circuits courts, lutte contre le gaspillage et cuisine de saison : notre démarche récompensée.
- une belle reconnaissance pour le travail anti-gaspillage de la cuisine
- les circuits courts, c'est du travail au quotidien

company_news fr www.maison-caldera.example #ouverture #hôtel #paris
Maison Caldera ouvrira son troisième hôtel à Paris
Un hôtel de 80 chambres avec restaurant et rooftop ouvrira ses portes dans le 10e arrondissement.
- un nouvel hôtel, donc beaucoup de postes à pourvoir
- le projet du rooftop est vraiment réussi
"""
)

CALDERA_MARKET = parse(
    """
analysis fr www.hotellerie-mag.example #hôtellerie #paris #tourisme
Hôtellerie parisienne : une fréquentation au plus haut
Taux d'occupation et prix moyens progressent, portés par la clientèle internationale et les événements.
- la clientèle internationale est revenue en force
- les prix moyens montent, mais les attentes aussi

sector_news fr www.tables-et-saveurs.example #antigaspi #restauration
Anti-gaspillage : les restaurants passent à la vitesse supérieure
Pesée des déchets, menus ajustés, dons : les pratiques qui font baisser le gaspillage en cuisine.
- peser ses déchets chaque jour fait vraiment baisser le gaspillage
- les clients remarquent et apprécient ces efforts

analysis en www.hospitality-trends.example #hospitality #sustainability
Hotel guests want less plastic and more local food
Surveys show sustainability now weighs on booking decisions, especially for younger travellers.
- travellers now pick hotels for their sustainability efforts
- local food is the most visible commitment

sector_news fr www.tourisme-pro.example #tourismedaffaires #séminaire
Tourisme d'affaires : les séminaires reviennent à Paris
Les entreprises réservent à nouveau des séminaires de plusieurs jours, avec une préférence pour les lieux atypiques.
- les séminaires reviennent et cherchent des lieux qui ont du caractère
- le format court en centre-ville a la cote

white_paper fr www.hotellerie-mag.example #rh #hôtellerie #fidélisation
Étude : fidéliser les équipes dans l'hôtellerie-restauration
Plannings, rémunération, formation : les leviers qui réduisent le turnover dans le secteur.
- des plannings prévisibles comptent autant que le salaire
- la formation interne retient les talents

analysis fr www.tables-et-saveurs.example #végétarien #restauration
Menus végétariens : la demande progresse dans la restauration
Plus d'un client sur trois choisit régulièrement un plat sans viande. Les chefs adaptent leurs cartes.
- un plat végétarien bien pensé n'est plus une option par défaut
- les chefs s'amusent avec les légumineuses

sector_news en www.foodservice-insight.example #restaurants #hiring
Restaurant labour shortages ease, but skills gaps remain
Hiring is easier than two years ago, yet experienced chefs and sommeliers are still hard to find.
- finding experienced chefs is still the hardest part
- training juniors in-house pays off

analysis fr www.tourisme-pro.example #hôtellerie #distribution
Réservation directe : les hôtels reprennent la main face aux plateformes
Programmes de fidélité, sites plus simples, offres exclusives : la part des réservations directes remonte.
- chaque réservation directe, c'est une relation client qu'on garde
- un bon site de réservation vaut mieux qu'une grosse commission

sector_news fr www.tables-et-saveurs.example #vin #restauration
Vins nature et vignerons engagés : la carte des restaurants évolue
Les cartes des vins font plus de place aux domaines en bio et aux petits vignerons.
- les clients demandent de plus en plus d'où vient le vin
- les petits domaines ont de belles histoires à raconter

analysis fr www.hotellerie-mag.example #hôtellerie #énergie
Énergie : comment les hôtels réduisent leur facture
Pilotage du chauffage, eau chaude, blanchisserie : les gisements d'économies dans un hôtel.
- la blanchisserie pèse plus lourd qu'on ne l'imagine
- des économies qui se font sans dégrader le confort des clients

sector_news fr www.tourisme-pro.example #paris #événements #restauration
Les grands événements sportifs dopent la restauration parisienne
Fan zones, touristes et entreprises : les restaurateurs ont profité d'un calendrier chargé.
- les grands événements profitent surtout aux établissements bien préparés
- le quartier compte beaucoup dans ces périodes

white_paper en www.hospitality-trends.example #hotelfnb
Report: the future of hotel food and beverage
All-day dining, local sourcing and smaller menus are reshaping hotel restaurants.
- hotel restaurants are becoming places locals want to visit
- smaller menus mean fresher food and less waste

analysis fr www.tables-et-saveurs.example #restauration #prix
Prix des matières premières : les restaurateurs sous pression
Beurre, cacao, café : la hausse des prix oblige à revoir les cartes et les marges.
- le prix du cacao a changé la carte des desserts
- travailler en circuit court aide à amortir les hausses

sector_news fr www.hotellerie-mag.example #emploi #hôtellerie #jeunes
Les métiers de l'hôtellerie attirent à nouveau les jeunes
Les inscriptions en écoles hôtelières remontent et l'alternance se développe.
- l'alternance est une super porte d'entrée dans nos métiers
- les écoles hôtelières font le plein

analysis fr www.tourisme-pro.example #tourisme #proximité
Le tourisme de proximité s'installe durablement
Week-ends courts, trains et destinations proches : les habitudes prises récemment perdurent.
- les week-ends courts en train sont devenus une habitude
- les clients de proximité reviennent plus souvent

sector_news fr www.tables-et-saveurs.example #brasserie #paris
Le retour des brasseries parisiennes
Cartes généreuses, service continu, prix lisibles : les brasseries séduisent une nouvelle génération.
- la brasserie est redevenue un lieu où l'on a envie d'aller
- le service continu colle aux nouveaux horaires de travail

analysis en www.foodservice-insight.example #delivery #restaurants
Why restaurants are investing in their own delivery
Commission fees push restaurants to build direct ordering channels.
- direct ordering keeps the customer relationship
- commissions eat most of the margin on delivery

white_paper fr www.hotellerie-mag.example #accessibilité #hôtellerie
Guide : accueillir les clients en situation de handicap
Chambres, restaurant, signalétique : les bonnes pratiques d'accessibilité pour les établissements.
- l'accessibilité profite finalement à tous les clients
- former l'équipe d'accueil compte autant que les travaux

sector_news fr www.tourisme-pro.example #taxedeséjour #hôtellerie
Taxe de séjour : ce qui change pour les hôteliers
Nouveaux barèmes et nouvelles modalités de collecte entrent en vigueur cette année.
- mieux vaut anticiper les nouveaux barèmes
- les plateformes collectent désormais davantage

analysis fr www.tables-et-saveurs.example #cuisinedesaison #producteurs
Cuisine de saison : le calendrier des producteurs dicte la carte
De plus en plus de chefs construisent leurs menus à partir de ce que livrent les producteurs chaque semaine.
- partir du produit plutôt que de la recette change tout en cuisine
- travailler avec les producteurs crée une vraie relation
"""
)
