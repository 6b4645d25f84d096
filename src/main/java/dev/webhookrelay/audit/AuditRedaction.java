package dev.webhookrelay.audit;

import java.util.Iterator;
import java.util.Map;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.webhookrelay.secrets.SealedHeaders;

/**
 * What an audit record never holds: the value of any member whose name says it is a secret (a
 * signing secret, an API key, a sensitive static header such as Authorization or X-Api-Key), at any
 * depth. Names are judged, not values, so a secret in a field of an unexpected name would pass:
 * the records are built from the API's own views, whose secret fields are named as such. An
 * endpoint's static header values are never kept, sensitive or not: they are stored only sealed
 * (see SealedHeaders), and the audit trail keeps their names.
 */
final class AuditRedaction {

    static final String REDACTED = "[REDACTED]";
    private static final String STATIC_HEADERS = "headers";

    private AuditRedaction() {
    }

    static boolean isSensitive(String name) {
        return SealedHeaders.isSensitiveName(name);
    }

    static JsonNode redact(JsonNode node) {
        if (node instanceof ObjectNode object) {
            for (Iterator<Map.Entry<String, JsonNode>> members = object.fields(); members.hasNext(); ) {
                Map.Entry<String, JsonNode> member = members.next();
                if (isSensitive(member.getKey()) && !member.getValue().isNull()) {
                    member.setValue(TextNode.valueOf(REDACTED));
                } else if (STATIC_HEADERS.equals(member.getKey()) && member.getValue() instanceof ObjectNode headers) {
                    headers.fields().forEachRemaining(header -> header.setValue(TextNode.valueOf(REDACTED)));
                } else {
                    redact(member.getValue());
                }
            }
        } else if (node != null && node.isArray()) {
            node.forEach(AuditRedaction::redact);
        }
        return node;
    }
}
