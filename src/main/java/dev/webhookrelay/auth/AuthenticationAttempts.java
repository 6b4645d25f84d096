package dev.webhookrelay.auth;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.webhookrelay.api.problem.ProblemException;
import dev.webhookrelay.config.RelayProperties;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import org.springframework.stereotype.Component;

/**
 * How many authentications a client address may still attempt: relay.auth.failed-attempts-per-minute
 * per address, as a token bucket. Every attempt that has to be checked against the database takes a
 * token and a successful one gives it back, so only failures use the budget, and the number of key
 * lookups one address can cause is bounded even when it sends many at once. Random keys therefore
 * cannot tie up the connection pool that ingest needs. IPv6 clients are counted per /64, the
 * smallest network a single subscriber usually holds.
 */
@Component("authenticationAttempts")
public class AuthenticationAttempts {

    private static final Duration PERIOD = Duration.ofMinutes(1);

    private final long perMinute;
    /** An address idle for a whole period would have a full bucket again, so it need not be kept. */
    private final Cache<String, Bucket> buckets = Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterAccess(PERIOD)
            .build();

    public AuthenticationAttempts(RelayProperties properties) {
        this.perMinute = properties.auth().failedAttemptsPerMinute();
    }

    /** Takes a token for one attempt from this address; 429 with Retry-After when none is left. */
    public void take(String clientAddress) {
        ConsumptionProbe probe = bucketOf(clientAddress).tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
            throw ProblemException.tooManyRequests(
                    "Too many failed authentications from this address; retry later",
                    Duration.ofNanos(probe.getNanosToWaitForRefill()));
        }
    }

    /** The attempt succeeded: its token goes back. */
    public void giveBack(String clientAddress) {
        bucketOf(clientAddress).addTokens(1);
    }

    private Bucket bucketOf(String clientAddress) {
        return buckets.get(clientKey(clientAddress), key -> Bucket.builder()
                .addLimit(limit -> limit.capacity(perMinute).refillGreedy(perMinute, PERIOD))
                .build());
    }

    static String clientKey(String clientAddress) {
        IPAddress address = new IPAddressString(clientAddress).getAddress();
        if (address == null) {
            return clientAddress;
        }
        return address.isIPv6() ? address.toPrefixBlock(64).toCanonicalString() : address.toCanonicalString();
    }
}
