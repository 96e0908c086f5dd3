"""Forms for the staff back office."""

from django import forms
from django.utils.translation import gettext_lazy as _

from casetracker.approximate_dates import ApproximateDateFormField
from sources.models import Source

from .choices import DefendantStatus


class StatusChangeForm(forms.Form):
    """One status change, to be recorded for one or many defendants through the service.

    ``user`` is who records it: only the sources they may see are offered.
    """

    status = forms.ChoiceField(label=_("Status"), choices=DefendantStatus.choices)
    date = ApproximateDateFormField(
        label=_("Took effect"),
        required=False,
        help_text=_("YYYY, YYYY-MM or YYYY-MM-DD, or e.g. 'October 2012'. Empty when the source does not say."),
    )
    known_as_of = ApproximateDateFormField(
        label=_("Known as of"),
        required=False,
        help_text=_(
            "The date the source shows the status holding (the report's date). Needed when 'took effect' is empty."
        ),
    )
    source = forms.ModelChoiceField(label=_("Source"), queryset=Source.objects.none(), required=False)
    excerpt = forms.CharField(label=_("Excerpt"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = Source.objects.filter(synthetic=False).restrict(user)
