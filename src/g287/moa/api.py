"""The MOA documents' API: anyone reads (ICE publishes the documents); the program office confirms or corrects a
document's agreement (``POST /api/moa/documents/{id}/match/`` with ``agreement`` — a key, or null for none —
and an optional ``note``)."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from g287.moa.models import MoaDocument
from g287.moa.services import confirm_match, may_correct
from g287.registry.models import Agreement


class DocumentSerializer(serializers.ModelSerializer):
    agreement = serializers.SlugRelatedField(slug_field="key", read_only=True)
    ocr = serializers.BooleanField(read_only=True)

    class Meta:
        model = MoaDocument
        fields = ["id", "file_name", "sha256", "pages", "ocr", "ocr_pages", "read_status", "model",
                  "template_version", "template_revision", "template_reason", "template_note", "agency_name", "state",
                  "signed", "signatories", "sections", "departures", "agreement", "match_status", "match_confidence",
                  "match_reasons", "provenance"]


class MatchSerializer(serializers.Serializer):
    agreement = serializers.CharField(allow_null=True, max_length=240)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class ReadOrProgramOffice(permissions.BasePermission):
    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or may_correct(request.user)


@extend_schema_view(list=extend_schema(summary="List signed MOA documents", tags=["moa"]),
                    retrieve=extend_schema(summary="One signed MOA document", tags=["moa"]))
class DocumentViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [ReadOrProgramOffice]
    serializer_class = DocumentSerializer
    queryset = MoaDocument.objects.select_related("agreement").order_by("state", "file_name", "id")

    @extend_schema(summary="Confirm or correct the document's agreement (program office)", tags=["moa"],
                   request=MatchSerializer, responses=DocumentSerializer)
    @action(detail=True, methods=["post"])
    def match(self, request, pk=None):
        doc = self.get_object()
        body = MatchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        key = body.validated_data["agreement"]
        agreement = None
        if key:
            agreement = Agreement.objects.filter(key=key).first()
            if agreement is None:
                return Response({"agreement": [f"no agreement has the key {key!r}"]}, status=status.HTTP_400_BAD_REQUEST)
        doc = confirm_match(doc, request.user, agreement, body.validated_data.get("note", ""))
        return Response(DocumentSerializer(doc).data)


router = SimpleRouter()
router.register("documents", DocumentViewSet, basename="document")
