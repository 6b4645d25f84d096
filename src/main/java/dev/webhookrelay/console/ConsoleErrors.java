package dev.webhookrelay.console;

import dev.webhookrelay.api.problem.ProblemException;
import dev.webhookrelay.api.problem.ProblemResponder;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;

/** A refusal of a service (the API's problem) is a page of the console with the same status, detail and Retry-After. */
@ControllerAdvice(basePackageClasses = ConsoleErrors.class)
class ConsoleErrors {

    @ExceptionHandler(ProblemException.class)
    String problem(ProblemException problem, HttpServletResponse response, Model model) {
        response.setStatus(problem.status());
        if (problem.retryAfter() != null) {
            response.setHeader("Retry-After", Long.toString(ProblemResponder.retryAfterSeconds(problem.retryAfter())));
        }
        model.addAttribute("status", problem.status());
        model.addAttribute("title", problem.title());
        model.addAttribute("detail", problem.getMessage());
        return "console/error";
    }
}
