package dev.webhookrelay.console;

import java.util.UUID;

/**
 * Whose data a tenant page of the console shows, and who acts: the operator on a tenant they chose
 * ({@code /console/t/{tenantId}}) or the tenant itself through a portal link ({@code /portal/{token}}).
 * {@code base} is the path every link and form of the page starts with.
 */
public record ConsoleScope(UUID tenantId, String tenantName, String base, String actor, boolean operator) {
}
