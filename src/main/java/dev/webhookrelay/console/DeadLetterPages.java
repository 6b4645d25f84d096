package dev.webhookrelay.console;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.webhookrelay.admin.EndpointAdmin;
import dev.webhookrelay.api.problem.ProblemException;
import dev.webhookrelay.query.DeliveryQueries;
import dev.webhookrelay.replay.ReplayService;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The dead letters of a tenant: filtered by endpoint, reason and time; replayed one at a time, the
 * selected ones, or all that match the filter in the background, with the replay's progress.
 */
@Controller
@RequestMapping({"/console/t/{tenant}", "/portal/{token}"})
class DeadLetterPages {

    private final DeliveryQueries deliveries;
    private final EndpointAdmin endpoints;
    private final ReplayService replayService;
    private final Replays replays;
    private final RequestBodies requestBodies;

    DeadLetterPages(DeliveryQueries deliveries, EndpointAdmin endpoints, ReplayService replayService, Replays replays,
            RequestBodies requestBodies) {
        this.deliveries = deliveries;
        this.endpoints = endpoints;
        this.replayService = replayService;
        this.replays = replays;
        this.requestBodies = requestBodies;
    }

    @GetMapping("/dead-letters")
    String list(ConsoleScope scope, @RequestParam Map<String, String> query, Model model) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("limit", 100);
        parameters.put("endpointId", Forms.blankToNull(query.get("endpointId")));
        parameters.put("reason", Forms.blankToNull(query.get("reason")));
        parameters.put("since", Forms.instant(query.get("since")));
        parameters.put("until", Forms.instant(query.get("until")));
        parameters.put("cursor", Forms.blankToNull(query.get("cursor")));
        model.addAttribute("page", deliveries.deadLettered(scope.tenantId(), parameters));
        model.addAttribute("endpoints", endpoints.list(scope.tenantId(), Map.of("limit", 500)).get("data"));
        model.addAttribute("query", query);
        return Pages.view(scope, model, "console/dead-letters");
    }

    /** The selected rows (or the one whose button was pressed), replayed one by one through the API's replay. */
    @PostMapping("/dead-letters/replay")
    String replaySelected(ConsoleScope scope, @RequestParam(name = "deliveryId", required = false) List<UUID> selected,
            @RequestParam(name = "only", required = false) UUID only) {
        List<UUID> chosen = only != null ? List.of(only) : selected == null ? List.of() : selected;
        int replayed = 0;
        List<String> refused = new ArrayList<>();
        for (UUID deliveryId : chosen) {
            try {
                replays.replayOne(scope, deliveryId);
                replayed++;
            } catch (ProblemException e) {
                refused.add(e.getMessage());
            }
        }
        UriComponentsBuilder back = UriComponentsBuilder.fromPath(scope.base() + "/dead-letters")
                .queryParam("replayed", replayed);
        if (!refused.isEmpty()) {
            back.queryParam("refused", String.join("; ", refused));
        }
        return "redirect:" + back.encode().build().toUriString();
    }

    /** Every dead letter that matches the filter, replayed in the background (POST /v1/dlq/replay). */
    @PostMapping("/dead-letters/replay-all")
    String replayAll(ConsoleScope scope, @RequestParam Map<String, String> form) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("endpointId", Forms.blankToNull(form.get("endpointId")));
        body.put("since", Forms.instant(form.get("since")));
        body.put("until", Forms.instant(form.get("until")));
        Map<String, Object> started = replayService.replayDeadLetters(scope.tenantId(), scope.actor(),
                requestBodies.of(body));
        return started.get("replayId") == null ? "redirect:" + scope.base() + "/dead-letters?replayed=0"
                : "redirect:" + scope.base() + "/replays/" + started.get("replayId");
    }

    @GetMapping("/replays/{id}")
    String replay(ConsoleScope scope, @PathVariable UUID id, Model model) {
        model.addAttribute("replay", replayService.status(scope.tenantId(), id.toString()));
        return Pages.view(scope, model, "console/replay");
    }

    /** The progress bar alone, which the page polls while the replay runs. */
    @GetMapping("/replays/{id}/progress")
    String progress(ConsoleScope scope, @PathVariable UUID id, Model model) {
        replay(scope, id, model);
        return "console/replay :: progress";
    }
}
