"""The admin's "Import" pages: upload a sheet, see the preview row by row, confirm to apply exactly that.

The "Import" button is added to the change list of every importable model (``imports/admin.py``);
the pages live under ``/admin/imports/<kind>/``. The confirmation sends the file back with the
preview's token (:mod:`imports.services`): what was previewed is what is written, or nothing is.

The previewed file stays on the server, in the shared cache (``CACHE_URL``: the database or Redis, which
every worker sees), under the user and the token, for an hour. The confirmation sends only the token
back: no re-posted file, so no form field larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (an upload's file
part is not held to that limit; the import's own is ``MAX_FILE_BYTES``), and a confirmation can only
apply a file its own user previewed.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .api import MAX_FILE_BYTES
from .kinds import KINDS
from .reading import FORMATS
from .services import records_import
from .templates import CONTENT_TYPES, template_bytes, template_filename


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Sheet"), help_text=_("A CSV (UTF-8) or an Excel workbook (.xlsx)."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file is too large; split it."))
        return upload


class ConfirmForm(forms.Form):
    token = forms.RegexField(r"^[0-9a-f]{64}$", widget=forms.HiddenInput)


#: How long a previewed file waits for its confirmation.
PREVIEW_SECONDS = 60 * 60


def preview_key(user, token: str) -> str:
    return f"imports:preview:{user.pk}:{token}"


def keep_previewed(user, token: str, content: bytes, filename: str) -> None:
    cache.set(preview_key(user, token), {"content": content, "filename": filename}, PREVIEW_SECONDS)


def previewed(user, token: str) -> dict | None:
    """The file this user previewed with this token (``content``, ``filename``), or None once it expired."""
    return cache.get(preview_key(user, token))


def kind_for(request, kind: str):
    definition = KINDS.get(kind)
    if definition is None:
        raise Http404(gettext("No such kind of import."))
    opts = definition.model._meta
    if not definition.may_import(request.user):
        raise PermissionDenied
    return definition, opts


def import_view(request, kind: str):
    definition, opts = kind_for(request, kind)
    context = {
        **admin.site.each_context(request),
        "opts": opts,
        "kind": kind,
        "definition": definition,
        "title": gettext("Import %(kind)s") % {"kind": definition.label},
        "formats": FORMATS,
    }
    form = UploadForm()
    if request.method == "POST" and "_apply" in request.POST:
        confirm = ConfirmForm(request.POST)
        kept = previewed(request.user, confirm.cleaned_data["token"]) if confirm.is_valid() else None
        if kept is None:
            messages.error(
                request,
                gettext("The preview has expired or the confirmation was damaged; upload the file again."),
            )
            return redirect(request.path)
        content, filename = kept["content"], kept["filename"]
        result = records_import(
            content=content,
            filename=filename,
            kind=kind,
            user=request.user,
            dry_run=False,
            token=confirm.cleaned_data["token"],
        )
        if result.applied:
            cache.delete(preview_key(request.user, confirm.cleaned_data["token"]))
            counts = result.counts
            messages.success(
                request,
                gettext("Imported %(file)s: %(new)d new, %(changed)d changed, %(unchanged)d unchanged.")
                % {"file": filename, **counts},
            )
            return redirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        if result.stale:
            messages.error(
                request,
                gettext(
                    "The records changed since the preview, so nothing was imported. Here is the preview again, "
                    "as things stand now; confirm it if it is still what you want."
                ),
            )
        return preview_response(request, context, result, content)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            content = upload.read()
            result = records_import(content=content, filename=upload.name, kind=kind, user=request.user, dry_run=True)
            return preview_response(request, context, result, content)
    return TemplateResponse(request, "admin/imports/upload.html", {**context, "form": form})


def preview_response(request, context, result, content: bytes):
    confirm = None
    if result.ok:
        keep_previewed(request.user, result.token, content, result.filename)
        confirm = ConfirmForm(initial={"token": result.token})
    rows = [row for row in result.rows if row.status != "unchanged" or len(result.rows) <= 500]
    return TemplateResponse(
        request,
        "admin/imports/preview.html",
        {**context, "result": result, "rows": rows, "confirm": confirm, "counts": result.counts},
    )


def template_view(request, kind: str, fmt: str):
    kind_for(request, kind)
    if fmt not in FORMATS:
        raise Http404(gettext("No such format."))
    response = HttpResponse(template_bytes(kind, fmt), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{template_filename(kind, fmt)}"'
    return response


urlpatterns = [
    path("<str:kind>/", admin.site.admin_view(import_view), name="imports-import"),
    path("<str:kind>/template.<str:fmt>", admin.site.admin_view(template_view), name="imports-template"),
]
