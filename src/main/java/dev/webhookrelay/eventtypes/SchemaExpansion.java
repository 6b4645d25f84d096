package dev.webhookrelay.eventtypes;

import java.net.URI;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import dev.webhookrelay.api.problem.ProblemException;

/**
 * How large a schema is with its references followed: the validator applies a referenced schema
 * again at every reference to it, so 16 definitions, each an anyOf of two references to the next,
 * are 1 KB of text and 2^16 schemas to apply to one value; one such schema filled the relay's heap
 * and stopped it for every tenant. A schema is refused when it refers to itself (recursion: its
 * cost would grow with the payload's nesting, twice per level where it branches) or when its
 * references expand it beyond {@value #MAX_EXPANDED} schema nodes. References are followed within
 * the document: "#", "#/json/pointer" and "#anchor" ($anchor, $dynamicAnchor); a $id below the root
 * would start another base for them, so it is refused too.
 */
final class SchemaExpansion {

    static final int MAX_EXPANDED = 20_000;
    private static final Set<String> REFERENCES = Set.of("$ref", "$dynamicRef", "$recursiveRef");
    private static final Set<String> ANCHORS = Set.of("$anchor", "$dynamicAnchor");

    private final JsonNode root;
    private final Map<String, JsonNode> anchors = new HashMap<>();
    private final Map<JsonNode, Long> sizes = new IdentityHashMap<>();
    private final Set<JsonNode> following = Collections.newSetFromMap(new IdentityHashMap<>());

    private SchemaExpansion(JsonNode root) {
        this.root = root;
    }

    /**
     * The schema's size with its references followed; refuses (422, field "schema") a schema that
     * recurses or expands beyond the bound.
     */
    static long check(JsonNode schema) {
        SchemaExpansion expansion = new SchemaExpansion(schema);
        expansion.collectAnchors(schema, true);
        long expanded = expansion.size(schema, "$");
        if (expanded > MAX_EXPANDED) {
            throw tooLarge();
        }
        return expanded;
    }

    private void collectAnchors(JsonNode node, boolean atRoot) {
        if (node.isObject()) {
            if (!atRoot && node.has("$id")) {
                throw ProblemException.invalid("schema", "schema may declare $id only at its root: the relay follows "
                        + "references within one document");
            }
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext();) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (ANCHORS.contains(field.getKey()) && field.getValue().isTextual()) {
                    anchors.put(field.getValue().textValue(), node);
                }
                collectAnchors(field.getValue(), false);
            }
        } else if (node.isArray()) {
            node.forEach(item -> collectAnchors(item, false));
        }
    }

    /** Nodes of this schema with every reference in it replaced by what it refers to. */
    private long size(JsonNode node, String path) {
        Long known = sizes.get(node);
        if (known != null) {
            return known;
        }
        if (!following.add(node)) {
            throw ProblemException.invalid("schema", "schema refers to itself at " + path + ": the relay validates "
                    + "schemas without recursion (a recursive schema costs more with every level of a payload)");
        }
        long size = 1;
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext() && size <= MAX_EXPANDED;) {
                Map.Entry<String, JsonNode> field = fields.next();
                String at = path + "." + field.getKey();
                JsonNode value = field.getValue();
                if (REFERENCES.contains(field.getKey()) && value.isTextual()) {
                    JsonNode target = resolve(value.textValue());
                    size += target == null ? 1 : size(target, at);
                } else {
                    size += size(value, at);
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size() && size <= MAX_EXPANDED; i++) {
                size += size(node.get(i), path + "[" + i + "]");
            }
        }
        following.remove(node);
        if (size > MAX_EXPANDED) {
            throw tooLarge();
        }
        sizes.put(node, size);
        return size;
    }

    /** The schema a local reference names; null when it names none (compiling the schema refuses it). */
    private JsonNode resolve(String reference) {
        if (reference.equals("#")) {
            return root;
        }
        if (!reference.startsWith("#")) {
            return null;
        }
        String fragment;
        try {
            fragment = URI.create(reference).getFragment();
        } catch (IllegalArgumentException notAUri) {
            return null;
        }
        if (fragment == null || !fragment.startsWith("/")) {
            return fragment == null ? null : anchors.get(fragment);
        }
        try {
            JsonNode target = root.at(fragment);
            return target.isMissingNode() ? null : target;
        } catch (IllegalArgumentException notAPointer) {
            return null;
        }
    }

    private static ProblemException tooLarge() {
        return ProblemException.invalid("schema", "schema expands to more than " + MAX_EXPANDED + " schemas with its "
                + "references followed (each reference applies its target again)");
    }
}
