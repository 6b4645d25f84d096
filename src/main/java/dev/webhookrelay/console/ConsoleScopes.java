package dev.webhookrelay.console;

import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.webhookrelay.api.problem.ProblemException;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.core.MethodParameter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Gives every tenant page its {@link ConsoleScope} from the path: {@code /console/t/{tenant}} for the
 * signed-in operator (any existing tenant), {@code /portal/{token}} for a valid portal link (its own
 * tenant only). A bad id, an unknown tenant and a forged or expired link are all a 404: the pages
 * never tell which.
 */
@Component
class ConsoleScopes implements HandlerMethodArgumentResolver {

    private final JdbcTemplate jdbc;
    private final PortalLinks links;

    ConsoleScopes(JdbcTemplate jdbc, PortalLinks links) {
        this.jdbc = jdbc;
        this.links = links;
    }

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.getParameterType() == ConsoleScope.class;
    }

    @Override
    public Object resolveArgument(MethodParameter parameter, ModelAndViewContainer mav, NativeWebRequest webRequest,
            WebDataBinderFactory binderFactory) {
        HttpServletRequest request = webRequest.getNativeRequest(HttpServletRequest.class);
        @SuppressWarnings("unchecked")
        Map<String, String> path = (Map<String, String>) request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
        String token = path.get("token");
        if (token != null) {
            UUID tenantId = links.tenantOf(token);
            if (tenantId == null) {
                throw ProblemException.notFound("This portal link is not valid (it may have expired): ask for a new one");
            }
            return new ConsoleScope(tenantId, tenantName(tenantId), PortalLinks.PATH + token, "portal:" + tenantId, false);
        }
        UUID tenantId;
        try {
            tenantId = UUID.fromString(path.getOrDefault("tenant", ""));
        } catch (IllegalArgumentException e) {
            throw ProblemException.notFound("No such tenant");
        }
        Principal user = request.getUserPrincipal();
        return new ConsoleScope(tenantId, tenantName(tenantId), "/console/t/" + tenantId,
                "console:" + (user == null ? "anonymous" : user.getName()), true);
    }

    private String tenantName(UUID tenantId) {
        List<String> names = jdbc.queryForList("SELECT name FROM tenants WHERE id = ?", String.class, tenantId);
        if (names.isEmpty()) {
            throw ProblemException.notFound("No tenant " + tenantId);
        }
        return names.get(0);
    }
}
