package dev.webhookrelay.api;

import java.util.Map;

/** What a PUT that registers or replaces a resource answers: the resource, 201 when it is new (direct:respond-upserted). */
public record Upserted(Map<String, Object> resource, boolean created) {
}
