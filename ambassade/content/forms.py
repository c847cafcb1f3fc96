"""Curator forms: the item editor, its suggested messages, and the list filters."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ambassade.accounts.models import Language, Network, Organization
from ambassade.content.models import ContentItem, Family, ItemStatus, Kind
from ambassade.content.selectors import ItemFilters
from ambassade.content.services import MAX_SUGGESTED_MESSAGES, ItemData
from ambassade.programs.models import Program, Wave

DATETIME_LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class SaveAction(enum.Enum):
    """The editor's buttons."""

    DRAFT = "draft"
    PUBLISH = "publish"
    SCHEDULE = "schedule"
    SUBMIT = "submit"

    @classmethod
    def from_post(cls, value: str | None) -> SaveAction:
        try:
            return cls(value or cls.DRAFT.value)
        except ValueError:
            return cls.DRAFT


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=DATETIME_LOCAL_FORMAT)


# Django's form fields are generic for the type checker only.
if TYPE_CHECKING:
    WaveChoiceFieldBase = forms.ModelMultipleChoiceField[Wave]
else:
    WaveChoiceFieldBase = forms.ModelMultipleChoiceField


class WaveChoiceField(WaveChoiceFieldBase):
    def label_from_instance(self, obj: Any) -> str:
        assert isinstance(obj, Wave)
        return f"{obj.name} ({obj.program.name})"


class ItemForm(forms.Form):
    family = forms.ChoiceField(label=_("Family"), choices=Family.choices, widget=forms.RadioSelect)
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    url = forms.URLField(
        label=_("URL"), max_length=2000, assume_scheme="https", help_text=_("http or https only.")
    )
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea)
    image_url = forms.URLField(
        label=_("Image URL"),
        max_length=2000,
        required=False,
        assume_scheme="https",
        help_text=_(
            "Ambassade fetches the image once and shows its own copy (JPEG, PNG, GIF or "
            "WebP): readers' browsers never call the image's site."
        ),
    )
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    hashtags = forms.CharField(
        label=_("Hashtags"), max_length=300, required=False, help_text=_("Separated by spaces.")
    )
    programs = forms.ModelMultipleChoiceField(
        label=_("Programs"), queryset=Program.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    waves = WaveChoiceField(
        label=_("Waves"),
        queryset=Wave.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty for every wave of the programs."),
    )
    publish_at = forms.DateTimeField(
        label=_("Publish at"),
        required=False,
        input_formats=[DATETIME_LOCAL_FORMAT, "%Y-%m-%dT%H:%M:%S"],
        widget=DateTimeLocalInput(),
        help_text=_("Needed to schedule; in your time zone."),
    )
    expires_at = forms.DateTimeField(
        label=_("Expires at"),
        required=False,
        input_formats=[DATETIME_LOCAL_FORMAT, "%Y-%m-%dT%H:%M:%S"],
        widget=DateTimeLocalInput(),
        help_text=_("Optional; the item leaves the feed then."),
    )

    def __init__(
        self,
        *args: Any,
        organization: Organization,
        action: SaveAction,
        now: datetime,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.action = action
        self.now = now
        programs = self.fields["programs"]
        waves = self.fields["waves"]
        assert isinstance(programs, forms.ModelMultipleChoiceField)
        assert isinstance(waves, forms.ModelMultipleChoiceField)
        programs.queryset = Program.objects.filter(organization=organization).order_by("name")
        waves.queryset = (
            Wave.objects.filter(program__organization=organization)
            .select_related("program")
            .order_by("program__name", "starts_on", "id")
        )

    @classmethod
    def initial_for(cls, item: ContentItem) -> dict[str, Any]:
        return {
            "family": item.family,
            "kind": item.kind,
            "title": item.title,
            "url": item.url,
            "summary": item.summary,
            "image_url": item.image_url,
            "language": item.language,
            "hashtags": item.hashtags,
            "programs": list(item.programs.all()),
            "waves": list(item.waves.all()),
            "publish_at": item.publish_at,
            "expires_at": item.expires_at,
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        programs = cleaned.get("programs") or []
        waves = cleaned.get("waves") or []
        program_ids = {p.pk for p in programs}
        if any(w.program_id not in program_ids for w in waves):
            self.add_error(
                "waves", _("Only choose waves of the programs the item is published to.")
            )
        publish_at = cleaned.get("publish_at")
        if self.action is SaveAction.SCHEDULE:
            if publish_at is None:
                self.add_error("publish_at", _("Choose when to publish the item."))
            elif publish_at <= self.now:
                self.add_error("publish_at", _("Choose a time in the future to schedule."))
        return cleaned

    def item_data(self, messages: list[tuple[str, str]]) -> ItemData:
        """The cleaned form as service input, the button deciding status and timing."""
        cleaned = self.cleaned_data
        publish_at: datetime | None = cleaned["publish_at"]
        status = {
            SaveAction.DRAFT: ItemStatus.DRAFT,
            SaveAction.SUBMIT: ItemStatus.PENDING,
            SaveAction.PUBLISH: ItemStatus.PUBLISHED,
            SaveAction.SCHEDULE: ItemStatus.PUBLISHED,
        }[self.action]
        if self.action is SaveAction.PUBLISH:
            publish_at = self.now
        return ItemData(
            family=cleaned["family"],
            kind=cleaned["kind"],
            title=cleaned["title"],
            url=cleaned["url"],
            summary=cleaned["summary"],
            image_url=cleaned["image_url"],
            language=cleaned["language"],
            hashtags=cleaned["hashtags"],
            programs=list(cleaned["programs"]),
            waves=list(cleaned["waves"]),
            status=status,
            publish_at=publish_at,
            expires_at=cleaned["expires_at"],
            suggested_messages=messages,
        )


class SuggestedMessageForm(forms.Form):
    text = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 3}), max_length=3000
    )
    network = forms.ChoiceField(
        label=_("Network"),
        choices=[("", _("Every network")), *Network.choices],
        required=False,
    )


SuggestedMessageFormSet = forms.formset_factory(
    SuggestedMessageForm,
    extra=2,
    max_num=MAX_SUGGESTED_MESSAGES,
    validate_max=True,
    can_delete=True,
)


def messages_from(formset: forms.BaseFormSet[SuggestedMessageForm]) -> list[tuple[str, str]]:
    """The kept (network, text) pairs of a valid formset, in order."""
    return [
        (form.cleaned_data["network"], form.cleaned_data["text"])
        for form in formset.forms
        if form.cleaned_data
        and not form.cleaned_data.get("DELETE")
        and form.cleaned_data.get("text", "").strip()
    ]


class ItemFilterForm(forms.Form):
    q = forms.CharField(label=_("Title"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All")), *ItemStatus.choices], required=False
    )
    family = forms.ChoiceField(
        label=_("Family"), choices=[("", _("All")), *Family.choices], required=False
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All")), *Kind.choices], required=False
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=[("", _("All")), *Language.choices], required=False
    )
    program = forms.ChoiceField(label=_("Program"), required=False)

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        program = self.fields["program"]
        assert isinstance(program, forms.ChoiceField)
        program.choices = [("", _("All"))] + [
            (slug, name)
            for slug, name in Program.objects.filter(organization=organization)
            .order_by("name")
            .values_list("slug", "name")
        ]

    def filters(self) -> ItemFilters:
        """The valid filters; an invalid value is ignored rather than hiding everything."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return ItemFilters(
            status=data.get("status", ""),
            family=data.get("family", ""),
            kind=data.get("kind", ""),
            language=data.get("language", ""),
            program=data.get("program", ""),
            q=data.get("q", ""),
        )


# Django's form fields are generic for the type checker only.
if TYPE_CHECKING:
    ProgramChoiceFieldBase = forms.ModelChoiceField[Program]
else:
    ProgramChoiceFieldBase = forms.ModelChoiceField


class ProposalForm(forms.Form):
    """An ambassador proposes a page; the blanks are filled from the page's preview."""

    url = forms.URLField(label=_("Address of the page"), max_length=2000, assume_scheme="https")
    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        required=False,
        help_text=_("Read from the page when left empty."),
    )
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    image_url = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)
    language = forms.CharField(required=False, max_length=8, widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Why it matters"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For the curators: why your colleagues should share it."),
    )
    suggested_message = forms.CharField(
        label=_("Suggested message"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A starting point for the colleagues who will share it."),
    )
    family = forms.ChoiceField(
        label=_("Family"),
        choices=Family.choices,
        initial=Family.MARKET,
        widget=forms.RadioSelect,
    )
    program = ProgramChoiceFieldBase(label=_("Program"), queryset=Program.objects.none())

    def __init__(self, *args: Any, programs: list[Program], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        program = self.fields["program"]
        assert isinstance(program, forms.ModelChoiceField)
        program.queryset = Program.objects.filter(pk__in=[p.pk for p in programs]).order_by("name")
        if len(programs) == 1:
            program.initial = programs[0].pk
            program.empty_label = None


class RejectForm(forms.Form):
    note = forms.CharField(
        label=_("Note for the proposer"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
