package dev.webhookrelay.console;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.webhookrelay.query.DeliveryQueries;
import dev.webhookrelay.query.EventQueries;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Events: search (type, time range, event id, idempotency key) and one event with its payload and
 * its deliveries, each with a status timeline and every attempt. The deliveries section follows the
 * delivery statuses over server-sent events, so a replayed delivery turns DELIVERED on the page.
 */
@Controller
@RequestMapping({"/console/t/{tenant}", "/portal/{token}"})
class EventPages {

    private static final int ATTEMPTS_SHOWN = 100;

    private final EventQueries events;
    private final DeliveryQueries deliveries;
    private final Replays replays;
    private final LiveStreams live;
    private final ShownPayload shownPayload;

    EventPages(EventQueries events, DeliveryQueries deliveries, Replays replays, LiveStreams live,
            ObjectMapper json) {
        this.events = events;
        this.deliveries = deliveries;
        this.replays = replays;
        this.live = live;
        this.shownPayload = new ShownPayload(json);
    }

    @GetMapping({"", "/", "/events"})
    String search(ConsoleScope scope, @RequestParam Map<String, String> query, Model model) {
        String eventId = Forms.blankToNull(query.get("eventId"));
        if (eventId != null) {
            return "redirect:" + scope.base() + "/events/" + eventId.strip();
        }
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("limit", 50);
        parameters.put("type", Forms.blankToNull(query.get("type")));
        parameters.put("idempotencyKey", Forms.blankToNull(query.get("idempotencyKey")));
        parameters.put("since", Forms.instant(query.get("since")));
        parameters.put("until", Forms.instant(query.get("until")));
        parameters.put("cursor", Forms.blankToNull(query.get("cursor")));
        model.addAttribute("page", events.list(scope.tenantId(), parameters));
        model.addAttribute("query", query);
        return Pages.view(scope, model, "console/events");
    }

    @GetMapping("/events/{id}")
    String event(ConsoleScope scope, @PathVariable UUID id, Model model) throws JsonProcessingException {
        Map<String, Object> event = events.get(scope.tenantId(), id.toString());
        model.addAttribute("event", event);
        model.addAttribute("payload", shownPayload.of(event.get("payload")));
        model.addAttribute("deliveries", withAttempts(scope, event));
        return Pages.view(scope, model, "console/event");
    }

    @GetMapping("/events/{id}/deliveries")
    String deliveriesFragment(ConsoleScope scope, @PathVariable UUID id, Model model) throws JsonProcessingException {
        Map<String, Object> event = events.get(scope.tenantId(), id.toString());
        model.addAttribute("event", event);
        model.addAttribute("payload", shownPayload.of(event.get("payload")));
        model.addAttribute("deliveries", withAttempts(scope, event));
        Pages.view(scope, model, "console/event");
        return "console/event :: deliveries";
    }

    /** Sends {@code deliveries} whenever a delivery of the event changes status or gets an attempt. */
    @GetMapping(path = "/events/{id}/stream")
    SseEmitter stream(ConsoleScope scope, @PathVariable UUID id) {
        events.get(scope.tenantId(), id.toString());
        return live.eventChanges(scope.tenantId(), id);
    }

    @PostMapping("/deliveries/{id}/replay")
    Object replay(ConsoleScope scope, @PathVariable UUID id, @RequestParam(required = false) UUID eventId,
            @RequestHeader(name = "HX-Request", required = false) String htmx) {
        replays.replayOne(scope, id);
        if (htmx != null) {
            return ResponseEntity.noContent().build();
        }
        return "redirect:" + scope.base() + (eventId == null ? "/dead-letters" : "/events/" + eventId);
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> withAttempts(ConsoleScope scope, Map<String, Object> event) {
        List<Map<String, Object>> shown = new ArrayList<>();
        for (Map<String, Object> delivery : (List<Map<String, Object>>) event.get("deliveries")) {
            Map<String, Object> withAttempts = new LinkedHashMap<>(delivery);
            Map<String, Object> page = deliveries.attempts(scope.tenantId(), delivery.get("id").toString(),
                    Map.of("limit", ATTEMPTS_SHOWN));
            List<Map<String, Object>> attempts = new ArrayList<>((List<Map<String, Object>>) page.get("data"));
            Collections.reverse(attempts);
            withAttempts.put("attemptList", attempts);
            shown.add(withAttempts);
        }
        return shown;
    }
}
