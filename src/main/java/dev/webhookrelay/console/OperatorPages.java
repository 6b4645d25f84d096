package dev.webhookrelay.console;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** The operator's own pages: sign-in and the overview of the whole relay, with every tenant. */
@Controller
class OperatorPages {

    private final OverviewNumbers overview;

    OperatorPages(OverviewNumbers overview) {
        this.overview = overview;
    }

    @GetMapping(WebConsoleSecurity.LOGIN)
    String login() {
        return "console/login";
    }

    @GetMapping({"/console", "/console/"})
    String overview(Model model) {
        model.addAttribute("numbers", overview.numbers());
        model.addAttribute("failing", overview.failingEndpoints());
        model.addAttribute("tenants", overview.tenants());
        return "console/overview";
    }
}
