package dev.webhookrelay.console;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.webhookrelay.admin.EndpointAdmin;
import dev.webhookrelay.admin.EndpointTrials;
import dev.webhookrelay.api.problem.ProblemException;
import dev.webhookrelay.replay.ReplayService;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * A tenant's endpoints: list, create, edit, enable and disable, rotate the secret, recover since a
 * time, send a test event. Each action is the API's (admin.EndpointAdmin, admin.EndpointTrials,
 * replay.ReplayService); a refused form is shown again with the service's reason. A new secret is
 * shown on the page that answers the change, once.
 */
@Controller
@RequestMapping({"/console/t/{tenant}", "/portal/{token}"})
class EndpointPages {

    private final EndpointAdmin endpoints;
    private final EndpointTrials trials;
    private final ReplayService replays;
    private final ObjectMapper json;
    private final RequestBodies requestBodies;

    EndpointPages(EndpointAdmin endpoints, EndpointTrials trials, ReplayService replays, ObjectMapper json,
            RequestBodies requestBodies) {
        this.endpoints = endpoints;
        this.trials = trials;
        this.replays = replays;
        this.json = json;
        this.requestBodies = requestBodies;
    }

    @GetMapping("/endpoints")
    String list(ConsoleScope scope, @RequestParam(required = false) String cursor, Model model) {
        model.addAttribute("page", endpoints.list(scope.tenantId(), Map.of("limit", 100, "cursor", cursorOrEmpty(cursor))));
        model.addAttribute("form", Map.of());
        return Pages.view(scope, model, "console/endpoints");
    }

    @PostMapping("/endpoints")
    String create(ConsoleScope scope, @RequestParam Map<String, String> form, Model model, HttpServletResponse response)
            throws JsonProcessingException {
        Map<String, Object> body = endpointBody(form);
        try {
            Map<String, Object> created = endpoints.create(scope.tenantId(), scope.actor(), requestBodies.of(body));
            model.addAttribute("secret", created.get("secret"));
            model.addAttribute("notice", "Endpoint created. Its signing secret is shown once: store it now.");
            return show(scope, (UUID) created.get("id"), model);
        } catch (ProblemException refused) {
            response.setStatus(refused.status());
            model.addAttribute("error", refused);
            model.addAttribute("form", form);
            model.addAttribute("page", endpoints.list(scope.tenantId(), Map.of("limit", 100)));
            return Pages.view(scope, model, "console/endpoints");
        }
    }

    @GetMapping("/endpoints/{id}")
    @SuppressWarnings("unchecked")
    String show(ConsoleScope scope, @PathVariable UUID id, Model model) {
        Map<String, Object> endpoint = endpoints.get(scope.tenantId(), id.toString());
        model.addAttribute("endpoint", endpoint);
        if (!model.containsAttribute("form")) {
            Map<String, Object> form = new LinkedHashMap<>();
            form.put("url", endpoint.get("url"));
            form.put("description", endpoint.get("description"));
            form.put("eventTypes", String.join(", ", (List<String>) endpoint.get("eventTypes")));
            form.put("rateLimit", endpoint.get("rateLimit"));
            form.put("retrySchedule", endpoint.get("retrySchedule"));
            form.put("headers", Forms.headerLines((Map<String, Object>) endpoint.get("headers")));
            form.put("filter", endpoint.get("filter"));
            model.addAttribute("form", form);
        }
        return Pages.view(scope, model, "console/endpoint");
    }

    @PostMapping("/endpoints/{id}")
    String update(ConsoleScope scope, @PathVariable UUID id, @RequestParam Map<String, String> form, Model model,
            HttpServletResponse response) throws JsonProcessingException {
        Map<String, Object> body = endpointBody(form);
        return change(scope, id, body, "Endpoint saved.", form, model, response);
    }

    @PostMapping("/endpoints/{id}/enabled")
    String enable(ConsoleScope scope, @PathVariable UUID id, @RequestParam boolean enabled, Model model,
            HttpServletResponse response) throws JsonProcessingException {
        return change(scope, id, Map.of("enabled", enabled),
                enabled ? "Endpoint enabled: its paused deliveries go out." : "Endpoint disabled: its deliveries wait.",
                null, model, response);
    }

    @PostMapping("/endpoints/{id}/rotate")
    String rotate(ConsoleScope scope, @PathVariable UUID id, Model model) {
        Map<String, Object> rotated = endpoints.rotateSecret(scope.tenantId(), scope.actor(), id.toString(),
                requestBodies.of(null));
        model.addAttribute("secret", rotated.get("secret"));
        model.addAttribute("notice", "New signing secret, shown once. The previous ones keep signing until "
                + rotated.get("previousSecretsExpireAt") + ".");
        return show(scope, id, model);
    }

    @PostMapping("/endpoints/{id}/recover")
    String recover(ConsoleScope scope, @PathVariable UUID id, @RequestParam String since, Model model,
            HttpServletResponse response) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("since", Forms.instant(since));
        try {
            Map<String, Object> started = replays.recover(scope.tenantId(), scope.actor(), id.toString(),
                    requestBodies.of(body));
            return started.get("replayId") == null
                    ? "redirect:" + scope.base() + "/endpoints/" + id + "?nothing"
                    : "redirect:" + scope.base() + "/replays/" + started.get("replayId");
        } catch (ProblemException refused) {
            response.setStatus(refused.status());
            model.addAttribute("error", refused);
            return show(scope, id, model);
        }
    }

    /**
     * One test send, as POST /v1/endpoints/{id}/test makes it. Its record (or the service's refusal,
     * with its status) is the page's test result: the fragment alone for htmx, which swaps it into
     * the page's live region; otherwise the operator's page after a redirect, carried by a flash
     * attribute, and for the portal, which keeps no session to carry one (it sets no cookie), the
     * page itself in answer to the POST.
     */
    @PostMapping("/endpoints/{id}/test")
    String test(ConsoleScope scope, @PathVariable UUID id, @RequestParam Map<String, String> form,
            @RequestHeader(name = "HX-Request", required = false) String htmx, Model model, RedirectAttributes flash,
            HttpServletResponse response) throws JsonProcessingException {
        Map<String, Object> result = new LinkedHashMap<>();
        try {
            result.put("test", trials.test(scope.tenantId(), id.toString(), requestBodies.of(testBody(form))));
        } catch (ProblemException refused) {
            response.setStatus(refused.status());
            result.put("testRefusal", refused);
        }
        result.put("testForm", form);
        if (htmx != null) {
            model.addAllAttributes(result);
            Pages.view(scope, model, "console/endpoint");
            return "console/endpoint :: test-result";
        }
        if (scope.operator()) {
            result.forEach(flash::addFlashAttribute);
            return "redirect:" + scope.base() + "/endpoints/" + id + "#test";
        }
        model.addAllAttributes(result);
        return show(scope, id, model);
    }

    private String change(ConsoleScope scope, UUID id, Map<String, Object> body, String notice, Map<String, String> form,
            Model model, HttpServletResponse response) throws JsonProcessingException {
        try {
            endpoints.update(scope.tenantId(), scope.actor(), id.toString(), requestBodies.of(body));
            model.addAttribute("notice", notice);
        } catch (ProblemException refused) {
            response.setStatus(refused.status());
            model.addAttribute("error", refused);
            if (form != null) {
                model.addAttribute("form", form);
            }
        }
        return show(scope, id, model);
    }

    private static String cursorOrEmpty(String cursor) {
        return cursor == null ? "" : cursor;
    }

    /** The test form's fields as the test API takes them, {"type", "payload"}: the payload is JSON text. */
    private Map<String, Object> testBody(Map<String, String> form) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", Forms.blankToNull(form.get("type")));
        String payload = Forms.blankToNull(form.get("payload"));
        try {
            body.put("payload", payload == null ? null : json.readTree(payload));
        } catch (JsonProcessingException e) {
            throw ProblemException.invalid("payload", "payload must be JSON, as in an event posted to /v1/events");
        }
        return body;
    }

    /** The endpoint form's fields as the endpoint API takes them: blank means unset. */
    private static Map<String, Object> endpointBody(Map<String, String> form) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("url", Forms.blankToNull(form.get("url")));
        body.put("description", Forms.blankToNull(form.get("description")));
        body.put("eventTypes", Forms.list(form.get("eventTypes")));
        body.put("headers", Forms.headers(form.get("headers")));
        body.put("rateLimit", Forms.number(form.get("rateLimit")));
        body.put("retrySchedule", Forms.blankToNull(form.get("retrySchedule")));
        body.put("filter", Forms.blankToNull(form.get("filter")));
        return body;
    }
}
