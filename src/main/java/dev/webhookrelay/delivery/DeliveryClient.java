package dev.webhookrelay.delivery;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.webhookrelay.config.RelayProperties;
import dev.webhookrelay.tracing.TraceParents;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
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
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
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
import org.springframework.beans.factory.annotation.Autowired;
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
 * An endpoint with a TLS client certificate (mtls auth) gets a pool of its own that presents it;
 * every other endpoint shares the default pool, which presents none.
 */
@Component("deliveryClient")
public class DeliveryClient implements DisposableBean {

    private static final int MAX_CONNECTIONS = 500;
    private static final int MAX_STORED_HEADER_CHARS = 1024;
    private static final int READ_CHUNK = 8192;
    private static final int MAX_CERTIFICATE_CLIENTS = 100;

    private final CloseableHttpClient http;
    /**
     * Clients that present an endpoint's TLS client certificate, one per endpoint and stored auth,
     * each with its own connection pool: a connection that presented a certificate is never reused
     * for another endpoint. Bounded; an evicted client is closed (a later attempt builds it anew).
     */
    private final Cache<String, CloseableHttpClient> certificateClients = Caffeine.newBuilder()
            .maximumSize(MAX_CERTIFICATE_CLIENTS)
            .removalListener((String key, CloseableHttpClient client, RemovalCause cause) -> closeQuietly(client))
            .build();
    private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "attempt-deadlines");
        thread.setDaemon(true);
        return thread;
    });
    private final TargetAddressGuard targets;
    private final AddressPolicy policy;
    private final RelayProperties.Delivery delivery;
    private final int maxBodyBytes;
    private final Duration deadline;
    private final Tracer tracer;

    public DeliveryClient(RelayProperties properties, AddressPolicy policy, TargetAddressGuard targets) {
        this(properties, policy, targets, OpenTelemetry.noop().getTracer("webhook-relay"));
    }

    @Autowired
    public DeliveryClient(RelayProperties properties, AddressPolicy policy, TargetAddressGuard targets, Tracer tracer) {
        this.targets = targets;
        this.policy = policy;
        this.delivery = properties.delivery();
        this.maxBodyBytes = delivery.maxResponseBodyBytes();
        this.deadline = delivery.attemptDeadline();
        this.tracer = tracer;
        this.http = client(null);
    }

    private CloseableHttpClient client(SSLContext clientCertificate) {
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
                        .build());
        if (clientCertificate != null) {
            connections.setTlsSocketStrategy(new DefaultClientTlsStrategy(clientCertificate));
        }
        var builder = HttpClients.custom()
                .setConnectionManager(connections.build())
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
        return builder.build();
    }

    /** Sends the attempt's request; a failure to connect or a timeout is a result like any response. */
    public void send(@Variable("attempt") DeliveryAttempt attempt) {
        OutgoingRequest request = attempt.request();
        CloseableHttpClient client;
        try {
            client = clientFor(attempt.clientIdentity());
        } catch (GeneralSecurityException e) {
            attempt.answered(new AttemptResult(null, Map.of(), null, e, 0));
            return;
        }
        attempt.answered(execute(client, request.url(), request.headers(), request.body(), ContentType.APPLICATION_JSON));
    }

    /** A form POST through the same guard and limits (an OAuth2 token request). */
    public AttemptResult postForm(String url, Map<String, String> headers, String form) {
        return execute(http, url, headers, form, ContentType.APPLICATION_FORM_URLENCODED);
    }

    private CloseableHttpClient clientFor(ClientIdentity identity) throws GeneralSecurityException {
        if (identity == null) {
            return http;
        }
        CloseableHttpClient cached = certificateClients.getIfPresent(identity.key());
        if (cached != null) {
            return cached;
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(identity.keyStore(), new char[0]);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init((KeyStore) null);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
        return certificateClients.get(identity.key(), key -> client(context));
    }

    /**
     * One HTTP exchange in a client span (its own, so that each attempt's POST shows in the trace);
     * with relay.delivery.propagate-trace the receiver gets that span's traceparent. The span names
     * the host only: a URL's path or query may hold a tenant's token.
     */
    private AttemptResult execute(CloseableHttpClient client, String url, Map<String, String> headers, String body,
            ContentType contentType) {
        long started = System.nanoTime();
        URI uri;
        try {
            uri = target(url);
        } catch (BlockedAddressException invalid) {
            return new AttemptResult(null, Map.of(), null, invalid, 0);
        }
        HttpPost post = new HttpPost(uri);
        headers.forEach(post::setHeader);
        post.setEntity(new StringEntity(body, contentType));
        Span span = tracer.spanBuilder("POST").setSpanKind(SpanKind.CLIENT)
                .setAttribute("http.request.method", "POST")
                .setAttribute("server.address", String.valueOf(uri.getHost()))
                .startSpan();
        try (Scope ignored = span.makeCurrent()) {
            if (delivery.propagateTrace()) {
                post.setHeader(TraceParents.HEADER, TraceParents.current());
            }
            AttemptResult result = exchange(client, post, started);
            if (result.status() != null) {
                span.setAttribute("http.response.status_code", result.status().longValue());
            }
            if (result.failure() != null || result.status() >= 400) {
                span.setStatus(StatusCode.ERROR);
            }
            return result;
        } finally {
            span.end();
        }
    }

    private AttemptResult exchange(CloseableHttpClient client, HttpPost post, long started) {
        AtomicBoolean expired = new AtomicBoolean();
        ScheduledFuture<?> timer = deadlines.schedule(() -> {
            expired.set(true);
            post.cancel();
        }, deadline.toMillis(), TimeUnit.MILLISECONDS);
        ClassicHttpResponse response = null;
        try {
            response = client.executeOpen(RoutingSupport.determineHost(post), post, null);
            String responseBody = boundedBody(response.getEntity(), post);
            return new AttemptResult(response.getCode(), storedHeaders(response.getHeaders()), responseBody, null,
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

    private static void closeQuietly(CloseableHttpClient client) {
        try {
            client.close();
        } catch (IOException e) {
            // Its pool's connections are being dropped anyway.
        }
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
        certificateClients.invalidateAll();
        http.close();
    }
}
