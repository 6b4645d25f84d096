package dev.webhookrelay.api;

import java.util.Collections;

import dev.webhookrelay.config.ApiRequests;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Finds the header or query parameter of a request that holds text no API field can hold: control
 * characters other than tab (NUL among them) and unassigned code points, the characters Spring
 * Security's firewall refuses. Outside the API (/v1/), a parameter value may also hold line breaks,
 * as the firewall's own rule for parameter values allows: the web console's forms have multi-line
 * fields (an endpoint's static headers, one per line).
 */
final class UnreadableText {

    private UnreadableText() {
    }

    /** The name of the first offending header or query parameter, or null when all are readable. */
    static String firstIn(HttpServletRequest request) {
        for (String name : Collections.list(request.getHeaderNames())) {
            for (String value : Collections.list(request.getHeaders(name))) {
                if (!readable(value)) {
                    return name;
                }
            }
        }
        boolean api = ApiRequests.isApi(request);
        for (var parameter : request.getParameterMap().entrySet()) {
            if (!readable(parameter.getKey())) {
                return "query parameter";
            }
            for (String value : parameter.getValue()) {
                if (!readable(api ? value : value.replace("\r", "").replace("\n", ""))) {
                    return parameter.getKey();
                }
            }
        }
        return null;
    }

    static boolean readable(String text) {
        return text.codePoints().allMatch(c -> c == '\t' || (!Character.isISOControl(c) && Character.isDefined(c)));
    }
}
