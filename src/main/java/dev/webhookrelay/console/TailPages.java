package dev.webhookrelay.console;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.webhookrelay.admin.EndpointAdmin;
import dev.webhookrelay.api.problem.ProblemException;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.thymeleaf.TemplateEngine;
import org.thymeleaf.context.Context;

/** The live tail: a tenant's attempts as they happen, over server-sent events, by endpoint and outcome. */
@Controller
@RequestMapping({"/console/t/{tenant}", "/portal/{token}"})
class TailPages {

    private static final List<String> OUTCOMES = List.of("DELIVERED", "RETRY_SCHEDULED", "DEAD_LETTERED", "PAUSED");

    private final EndpointAdmin endpoints;
    private final LiveStreams live;
    private final TemplateEngine templates;

    TailPages(EndpointAdmin endpoints, LiveStreams live, TemplateEngine templates) {
        this.endpoints = endpoints;
        this.live = live;
        this.templates = templates;
    }

    @GetMapping("/tail")
    String tail(ConsoleScope scope, @RequestParam(required = false) UUID endpointId,
            @RequestParam(required = false) String outcome, Model model) {
        model.addAttribute("endpoints", endpoints.list(scope.tenantId(), Map.of("limit", 500)).get("data"));
        model.addAttribute("outcomes", OUTCOMES);
        model.addAttribute("endpointId", endpointId);
        model.addAttribute("outcome", outcome);
        return Pages.view(scope, model, "console/tail");
    }

    @GetMapping(path = "/tail/stream")
    SseEmitter stream(ConsoleScope scope, @RequestParam(required = false) UUID endpointId,
            @RequestParam(required = false) String outcome) {
        if (outcome != null && !outcome.isBlank() && !OUTCOMES.contains(outcome)) {
            throw ProblemException.invalid("outcome", "outcome must be one of " + OUTCOMES);
        }
        if (endpointId != null) {
            endpoints.get(scope.tenantId(), endpointId.toString());
        }
        String base = scope.base();
        return live.attempts(scope.tenantId(), endpointId, outcome == null || outcome.isBlank() ? null : outcome,
                attempts -> {
                    List<Map<String, Object>> newestFirst = new ArrayList<>(attempts);
                    Collections.reverse(newestFirst);
                    Context context = new Context();
                    context.setVariable("attempts", newestFirst);
                    context.setVariable("base", base);
                    return templates.process("console/tail", Set.of("rows"), context);
                });
    }
}
