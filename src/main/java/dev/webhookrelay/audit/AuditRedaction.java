package dev.webhookrelay.audit;

import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * What an audit record never holds: the value of any member whose name says it is a secret (a
 * signing secret, an API key, a sensitive static header such as Authorization or X-Api-Key), at any
 * depth. Names are judged, not values, so a secret in a field of an unexpected name would pass:
 * the records are built from the API's own views, whose secret fields are named as such.
 */
final class AuditRedaction {

    static final String REDACTED = "[REDACTED]";
    private static final Pattern SENSITIVE = Pattern.compile("authorization|cookie|.*(key|token|secret|password).*",
            Pattern.CASE_INSENSITIVE);

    private AuditRedaction() {
    }

    static boolean isSensitive(String name) {
        return SENSITIVE.matcher(name).matches();
    }

    static JsonNode redact(JsonNode node) {
        if (node instanceof ObjectNode object) {
            for (Iterator<Map.Entry<String, JsonNode>> members = object.fields(); members.hasNext(); ) {
                Map.Entry<String, JsonNode> member = members.next();
                if (isSensitive(member.getKey()) && !member.getValue().isNull()) {
                    member.setValue(TextNode.valueOf(REDACTED));
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
