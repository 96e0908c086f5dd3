"""``POST /api/v1/imports/``: preview (``dry_run``) or apply a sheet, answering the preview as JSON."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAdminUser
from rest_framework.response import Response
from rest_framework.views import APIView

from casetracker.api.serializers import ProblemSerializer, ValidationProblemSerializer
from casetracker.problems import PROBLEM_CONTENT_TYPE, problem

from .engine import STATUSES
from .kinds import KINDS
from .services import records_import

#: The largest sheet the API accepts (a 50,000-row CSV is well under it).
MAX_FILE_BYTES = 20 * 1024 * 1024


class ImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("The sheet: a CSV (UTF-8) or an Excel workbook (.xlsx)."))
    kind = serializers.ChoiceField(choices=sorted(KINDS), help_text=_("What the sheet holds (docs/imports.md)."))
    dry_run = serializers.BooleanField(
        default=True, help_text=_("Preview only (the default): say what would change, write nothing.")
    )
    # An empty form field is how a form sends "no token": allowed (and read as none), so the schema says so.
    token = serializers.RegexField(
        r"^([0-9a-f]{64})?$",
        required=False,
        allow_blank=True,
        help_text=_(
            "The preview's token. To write, send the same file with dry_run=false and this token: the import "
            "writes only if it would do exactly what the preview said (else 409, nothing written)."
        ),
    )

    def validate_file(self, value):
        if value.size > MAX_FILE_BYTES:
            raise serializers.ValidationError(
                _("The file is larger than %(max)d MB; split it.") % {"max": MAX_FILE_BYTES // (1024 * 1024)}
            )
        return value

    def validate(self, attrs):
        if not attrs["dry_run"] and not attrs.get("token"):
            raise serializers.ValidationError(
                {"token": [_("Preview first (dry_run=true) and send its token with dry_run=false to write.")]}
            )
        return attrs


class ChangeSerializer(serializers.Serializer):
    column = serializers.CharField()
    old = serializers.CharField(help_text=_("The recorded value, as shown ('' for a new record)."))
    new = serializers.CharField(help_text=_("The value the row gives."))


class RowErrorSerializer(serializers.Serializer):
    column = serializers.CharField(allow_null=True, help_text=_("The column, or null for the row as a whole."))
    message = serializers.CharField()
    text = serializers.CharField(help_text=_("'row 14, column `term`: …': the error as one sentence."))


class RowSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text=_("The row number as the spreadsheet shows it (the header is row 1)."))
    status = serializers.ChoiceField(choices=STATUSES)
    record = serializers.CharField(help_text=_("The record the row is about."))
    changes = ChangeSerializer(many=True)
    errors = RowErrorSerializer(many=True)


class ImportPreviewSerializer(serializers.Serializer):
    kind = serializers.CharField()
    file = serializers.CharField(help_text=_("The file's name (it is the change reason in the history)."))
    dry_run = serializers.BooleanField()
    applied = serializers.BooleanField(help_text=_("True when the records were written."))
    stale = serializers.BooleanField(help_text=_("True when the records changed since the preview: nothing written."))
    token = serializers.CharField(help_text=_("Send it back with dry_run=false to write what this preview says."))
    counts = serializers.DictField(child=serializers.IntegerField(), help_text=_("Rows per outcome."))
    errors = serializers.ListField(child=serializers.CharField(), help_text=_("Every error, one sentence each."))
    ignored_columns = serializers.ListField(child=serializers.CharField())
    rows = RowSerializer(many=True)


class ImportProblemSerializer(ValidationProblemSerializer):
    sometimes_absent = ("preview",)

    preview = ImportPreviewSerializer(
        required=False, help_text=_("With code import_rows_invalid: the preview of the sheet, every row and error.")
    )


class ImportStaleProblemSerializer(ProblemSerializer):
    preview = ImportPreviewSerializer(help_text=_("The new preview of the sheet."))


class ImportView(APIView):
    """Import a sheet of records: preview it, then apply exactly what was previewed."""

    permission_classes = [IsAdminUser]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        summary="Import a sheet (preview, then apply)",
        request={"multipart/form-data": ImportRequestSerializer},
        responses={
            200: ImportPreviewSerializer,
            400: OpenApiResponse(
                ImportProblemSerializer,
                description=(
                    gettext(
                        "Nothing written. Either a parameter is bad (`errors` names the field: `file`, `kind`, "
                        "`dry_run`, `token`), or rows have errors (code `import_rows_invalid`): then `errors` names "
                        "each as `rows.<row>.<column>` and `preview` is the ImportPreview of the 200 answer."
                    )
                ),
            ),
            403: ProblemSerializer,
            409: OpenApiResponse(
                ImportStaleProblemSerializer,
                description=gettext("The records changed since the preview: nothing written (code `import_stale`)."),
            ),
        },
        tags=["imports"],
    )
    def post(self, request):
        """Staff allowed to add or change records of the kind (the same rule as the admin's Import pages).
        All or nothing: with any error nothing is written, and every error names its row and column.
        Rows naming records you may not see are errors that say only that no such record is known."""
        params = ImportRequestSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        if not KINDS[params.validated_data["kind"]].may_import(request.user):
            raise PermissionDenied(
                gettext("Your account may neither add nor change %(kind)s.")
                % {"kind": KINDS[params.validated_data["kind"]].label}
            )
        upload = params.validated_data["file"]
        result = records_import(
            content=upload.read(),
            filename=upload.name or "upload",
            kind=params.validated_data["kind"],
            user=request.user,
            dry_run=params.validated_data["dry_run"],
            token=params.validated_data.get("token") or None,
        )
        if result.stale:
            body = problem(
                status.HTTP_409_CONFLICT,
                "import_stale",
                gettext("The records changed since the preview: nothing written. Preview the sheet again."),
                instance=request.path,
                preview=result.as_dict(),
            )
            return Response(body, status=status.HTTP_409_CONFLICT, content_type=PROBLEM_CONTENT_TYPE)
        if result.errors and not result.dry_run:
            errors = [
                {
                    "field": f"rows.{row.row}" + (f".{error.column}" if error.column else ""),
                    "code": "invalid",
                    "message": str(error),
                }
                for row in result.rows
                for error in row.errors
            ] or [{"field": None, "code": "invalid", "message": str(issue)} for issue in result.errors]
            body = problem(
                status.HTTP_400_BAD_REQUEST,
                "import_rows_invalid",
                gettext("Nothing written: %(count)d errors in the sheet, each listed in errors.")
                % {"count": len(result.errors)},
                instance=request.path,
                errors=errors,
                preview=result.as_dict(),
            )
            return Response(body, status=status.HTTP_400_BAD_REQUEST, content_type=PROBLEM_CONTENT_TYPE)
        return Response(result.as_dict())
