"""Typed factories for tests (and nothing else)."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from ambassade.accounts.models import Membership, Network, Organization, SocialAccount, User
from ambassade.content.models import ContentItem, Family, ItemStatus, Kind, SuggestedMessage
from ambassade.programs.models import Enrolment, EnrolmentStatus, Program, Wave


class OrganizationFactory(factory.django.DjangoModelFactory[Organization]):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    full_name = factory.Sequence(lambda n: f"Personne {n}")
    password = factory.django.Password("correct horse battery staple")


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)


class SocialAccountFactory(factory.django.DjangoModelFactory[SocialAccount]):
    class Meta:
        model = SocialAccount

    user = factory.SubFactory(UserFactory)
    network = Network.LINKEDIN
    handle = factory.Sequence(lambda n: f"handle{n}")
    audience_size = 500


class ProgramFactory(factory.django.DjangoModelFactory[Program]):
    class Meta:
        model = Program

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Programme {n}")
    slug = factory.Sequence(lambda n: f"programme-{n}")
    starts_on = dt.date(2026, 1, 1)


class WaveFactory(factory.django.DjangoModelFactory[Wave]):
    class Meta:
        model = Wave

    program = factory.SubFactory(ProgramFactory)
    name = factory.Sequence(lambda n: f"Vague {n}")
    starts_on = dt.date(2026, 1, 1)


class EnrolmentFactory(factory.django.DjangoModelFactory[Enrolment]):
    class Meta:
        model = Enrolment

    program = factory.SubFactory(ProgramFactory)
    membership = factory.SubFactory(MembershipFactory)
    status = EnrolmentStatus.ACTIVE
    joined_at = factory.LazyFunction(timezone.now)


class ContentItemFactory(factory.django.DjangoModelFactory[ContentItem]):
    class Meta:
        model = ContentItem
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    family = Family.MARKET
    kind = Kind.SECTOR_NEWS
    title = factory.Sequence(lambda n: f"Article {n}")
    url = factory.Sequence(lambda n: f"https://news.example.com/article-{n}?ref=feed#top")
    summary = "Une analyse du marché."
    status = ItemStatus.PUBLISHED
    publish_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=1))

    @factory.post_generation
    def programs(self, create: bool, extracted: list[Program] | None, **kwargs: object) -> None:
        if create and extracted:
            self.programs.set(extracted)


class SuggestedMessageFactory(factory.django.DjangoModelFactory[SuggestedMessage]):
    class Meta:
        model = SuggestedMessage

    item = factory.SubFactory(ContentItemFactory)
    text = "Une lecture utile sur l'évolution du marché."
