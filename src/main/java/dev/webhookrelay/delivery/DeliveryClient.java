package dev.webhookrelay.delivery;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.webhookrelay.config.RelayProperties;
import dev.webhookrelay.urlsafety.AddressPolicy;
import dev.webhookrelay.urlsafety.BlockedAddressException;
import dev.webhookrelay.urlsafety.GuardedDnsResolver;
import dev.webhookrelay.urlsafety.TargetAddressGuard;
import org.apache.camel.Variable;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.ManagedHttpClientConnectionFactory;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.routing.RoutingSupport;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Sends one attempt and says what came back, on Apache HttpClient 5 used directly rather than through
 * camel-http: that producer takes its target, path, query and method from message headers (and
 * resolves property placeholders in the URI), buffers whole response bodies, and has no wall-clock
 * limit, while a receiver is untrusted. Here the request is exactly the {@link OutgoingRequest}; a
 * response is read to at most {@code max-response-body-bytes} and the connection is dropped rather
 * than drained; headers are bounded in count and line length while they are parsed; bodies are never
 * decompressed (no Accept-Encoding is sent); and a deadline cancels the attempt however slowly the
 * receiver trickles. Connections pass the SSRF guard (the pool's DNS resolver) at connect time.
 */
@Component("deliveryClient")
public class DeliveryClient implements DisposableBean {

    private static final int MAX_CONNECTIONS = 500;
    private static final int MAX_STORED_HEADER_CHARS = 1024;
    private static final int READ_CHUNK = 8192;

    private final CloseableHttpClient http;
    private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "attempt-deadlines");
        thread.setDaemon(true);
        return thread;
    });
    private final TargetAddressGuard targets;
    private final int maxBodyBytes;
    private final Duration deadline;

    public DeliveryClient(RelayProperties properties, AddressPolicy policy, TargetAddressGuard targets) {
        this.targets = targets;
        var delivery = properties.delivery();
        this.maxBodyBytes = delivery.maxResponseBodyBytes();
        this.deadline = delivery.attemptDeadline();
        var connections = PoolingHttpClientConnectionManagerBuilder.create()
                .setDnsResolver(new GuardedDnsResolver(policy))
                .setConnectionFactory(ManagedHttpClientConnectionFactory.builder()
                        .http1Config(Http1Config.custom()
                                .setMaxHeaderCount(delivery.maxResponseHeaders())
                                .setMaxLineLength(delivery.maxResponseHeaderLineBytes())
                                .build())
                        .build())
                .setMaxConnTotal(MAX_CONNECTIONS)
                // Endpoints on one host share a route: the per-endpoint cap is the InFlightLimiter's
                // job, so a hanging endpoint must not exhaust the pool of its host's other endpoints.
                .setMaxConnPerRoute(MAX_CONNECTIONS)
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.of(delivery.connectTimeout()))
                        .setSocketTimeout(Timeout.of(delivery.responseTimeout()))
                        .setTimeToLive(TimeValue.of(5, TimeUnit.MINUTES))
                        .setValidateAfterInactivity(TimeValue.ofSeconds(2))
                        .build())
                .build();
        var builder = HttpClients.custom()
                .setConnectionManager(connections)
                .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(Timeout.of(delivery.responseTimeout())).build())
                .disableContentCompression()
                .disableRedirectHandling()
                .disableAutomaticRetries()
                // One receiver's cookies must never reach another receiver.
                .disableCookieManagement()
                .disableAuthCaching()
                .disableDefaultUserAgent();
        if (delivery.proxy() != null && !delivery.proxy().isBlank()) {
            builder.setProxy(HttpHost.create(URI.create(delivery.proxy())));
        }
        this.http = builder.build();
    }

    /** Sends the attempt's request; a failure to connect or a timeout is a result like any response. */
    public void send(@Variable("attempt") DeliveryAttempt attempt) {
        attempt.answered(post(attempt.request()));
    }

    public AttemptResult post(OutgoingRequest request) {
        long started = System.nanoTime();
        HttpPost post;
        try {
            post = new HttpPost(target(request.url()));
        } catch (BlockedAddressException invalid) {
            return new AttemptResult(null, Map.of(), null, invalid, 0);
        }
        request.headers().forEach(post::setHeader);
        post.setEntity(new StringEntity(request.body(), ContentType.APPLICATION_JSON));

        AtomicBoolean expired = new AtomicBoolean();
        ScheduledFuture<?> timer = deadlines.schedule(() -> {
            expired.set(true);
            post.cancel();
        }, deadline.toMillis(), TimeUnit.MILLISECONDS);
        ClassicHttpResponse response = null;
        try {
            response = http.executeOpen(RoutingSupport.determineHost(post), post, null);
            String body = boundedBody(response.getEntity(), post);
            return new AttemptResult(response.getCode(), storedHeaders(response.getHeaders()), body, null,
                    elapsedMillis(started));
        } catch (IOException | HttpException | RuntimeException failure) {
            Throwable cause = expired.get()
                    ? new AttemptTimeoutException("attempt deadline of " + deadline.toMillis() + " ms exceeded")
                    : failure;
            return new AttemptResult(null, Map.of(), null, cause, elapsedMillis(started));
        } finally {
            timer.cancel(false);
            closeQuietly(response);
        }
    }

    /**
     * Reads the body up to the limit. A body that ends within it has freed its connection for reuse;
     * past it, the request is cancelled, which drops the connection: closing the stream instead
     * would read the rest of the body, however large.
     */
    private String boundedBody(HttpEntity entity, HttpPost post) throws IOException {
        if (entity == null) {
            return null;
        }
        InputStream in = entity.getContent();
        ByteArrayOutputStream kept = new ByteArrayOutputStream(Math.min(maxBodyBytes, READ_CHUNK));
        byte[] chunk = new byte[READ_CHUNK];
        int read;
        while (kept.size() <= maxBodyBytes && (read = in.read(chunk)) != -1) {
            kept.write(chunk, 0, read);
        }
        if (kept.size() > maxBodyBytes) {
            post.cancel();
        }
        return decode(kept.toByteArray(), Math.min(kept.size(), maxBodyBytes));
    }

    private static void closeQuietly(ClassicHttpResponse response) {
        if (response == null) {
            return;
        }
        try {
            response.close();
        } catch (IOException cancelled) {
            // The connection was dropped on purpose (body over the limit, or the deadline): nothing to release.
        }
    }

    /** A cut through a multi-byte character, or bytes that are not UTF-8, decode to U+FFFD instead of failing. */
    private static String decode(byte[] bytes, int length) {
        return ReceiverText.storable(new String(bytes, 0, length, StandardCharsets.UTF_8), Integer.MAX_VALUE);
    }

    private static Map<String, String> storedHeaders(Header[] headers) {
        Map<String, String> stored = new LinkedHashMap<>();
        for (Header header : headers) {
            String name = ReceiverText.storable(header.getName(), MAX_STORED_HEADER_CHARS);
            String value = ReceiverText.storable(header.getValue(), MAX_STORED_HEADER_CHARS);
            stored.merge(name, value, (first, next) -> first + ", " + next);
        }
        return stored;
    }

    /**
     * The endpoint URL exactly as stored, judged again at send time (a row may predate a rule, or be
     * written straight into the database): an absolute http(s) URL whose literal host, if any, passes
     * the target guard, which matters most through an egress proxy, where the relay never connects
     * to the target itself.
     */
    private URI target(String url) throws BlockedAddressException {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new BlockedAddressException("endpoint URL is not a valid URI: " + e.getReason());
        }
        String scheme = uri.getScheme();
        if (!("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
            throw new BlockedAddressException("endpoint URL is not an absolute http(s) URL");
        }
        String refusal = targets.refusal(uri);
        if (refusal != null) {
            throw new BlockedAddressException("Refused to connect to " + uri.getHost() + ": " + refusal);
        }
        return uri;
    }

    private static long elapsedMillis(long startedNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    }

    @Override
    public void destroy() throws IOException {
        deadlines.shutdownNow();
        http.close();
    }
}
