package dev.webhookrelay.console;

import org.springframework.ui.Model;

/** What every tenant page's template reads: the scope (tenant, operator or portal) and the base of its links. */
final class Pages {

    private Pages() {
    }

    static String view(ConsoleScope scope, Model model, String view) {
        model.addAttribute("scope", scope);
        model.addAttribute("base", scope.base());
        return view;
    }
}
