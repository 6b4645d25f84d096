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
 * How many failed authentications a client address may still make: relay.auth.failed-attempts-per-minute
 * per address, as a token bucket; past it a failure is answered 429 with Retry-After. A valid
 * credential never pays for the failures of others behind the same address (a proxy without
 * forwarded headers, a NAT): the API checks an API key or the admin token first and charges the
 * address only for a miss, so a valid one is accepted whatever its address has failed (256 random
 * bits cannot be guessed; the admin token must be as long). A console login's password is a person's
 * choice, so it is charged before it is checked and given back when it was right: an address over
 * its budget cannot try passwords at all. IPv6 clients are counted per /64, the smallest network a
 * single subscriber usually holds.
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

    /** Takes a token for one failure (or attempt) of this address; 429 with Retry-After when none is left. */
    public void take(String clientAddress) {
        ConsumptionProbe probe = bucketOf(clientAddress).tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
            throw ProblemException.tooManyRequests(
                    "Too many failed authentications from this address; retry later",
                    Duration.ofNanos(probe.getNanosToWaitForRefill()));
        }
    }

    /** The attempt taken for succeeded: its token goes back. */
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
