"""Forms for the staff back office."""

from django import forms

from casetracker.approximate_dates import ApproximateDateFormField

from .choices import DefendantStatus
from .models import Source


class StatusChangeForm(forms.Form):
    """One status change, to be recorded for one or many defendants through the service."""

    status = forms.ChoiceField(choices=DefendantStatus.choices)
    date = ApproximateDateFormField(help_text="YYYY, YYYY-MM or YYYY-MM-DD, or e.g. 'October 2012'.")
    source = forms.ModelChoiceField(queryset=Source.objects.filter(synthetic=False), required=False)
    excerpt = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
