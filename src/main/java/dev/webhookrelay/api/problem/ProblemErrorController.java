package dev.webhookrelay.api.problem;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The answer to every failure that never reached a route (an unknown path, a method a path does not
 * take, a request the container refused): an application/problem+json document like the routes'
 * own, in place of Spring Boot's error page, and never with the exception's message.
 */
@RestController
public class ProblemErrorController implements ErrorController {

    private static final Logger LOG = LoggerFactory.getLogger(ProblemErrorController.class);
    @RequestMapping("${server.error.path:/error}")
    public ResponseEntity<String> error(HttpServletRequest request) {
        HttpStatus status = statusOf(request);
        if (status.is5xxServerError()) {
            LOG.error("Request to {} failed before reaching a route", request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI),
                    (Throwable) request.getAttribute(RequestDispatcher.ERROR_EXCEPTION));
        }
        // Written here rather than returned as a ProblemDetail, which Spring MVC would give an
        // "instance" member (the /error path) that the routes' problems do not have.
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(ProblemJson.write(ProblemDetail.forStatusAndDetail(status, detail(status))));
    }

    private static HttpStatus statusOf(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        HttpStatus status = code instanceof Integer value ? HttpStatus.resolve(value) : null;
        return status == null || status.is2xxSuccessful() ? HttpStatus.INTERNAL_SERVER_ERROR : status;
    }

    private static String detail(HttpStatus status) {
        return switch (status) {
            case NOT_FOUND -> "No such resource; see /openapi.json for the API";
            case METHOD_NOT_ALLOWED -> "This resource does not take that method; see /openapi.json for the API";
            case BAD_REQUEST -> "The request is malformed";
            case INTERNAL_SERVER_ERROR -> "The relay failed to process the request";
            default -> status.getReasonPhrase();
        };
    }
}
