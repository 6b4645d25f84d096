package dev.webhookrelay.endpointauth;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;

/**
 * A receiver that answers what its rule says for each request (200 when the credentials are right,
 * 401 otherwise), over HTTP or over HTTPS requiring a client certificate. Remembers every request.
 */
final class EnforcingReceiver implements AutoCloseable {

    /** A request as seen: its Authorization header, the client certificate's subject (HTTPS), its body. */
    record Seen(String path, String authorization, String clientSubject, String body) {
    }

    /** What to answer: a status and a JSON body. */
    record Answer(int status, String body) {
    }

    private final HttpServer server;
    private final boolean https;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();

    private EnforcingReceiver(HttpServer server, boolean https, Function<Seen, Answer> rule) {
        this.server = server;
        this.https = https;
        server.createContext("/", exchange -> answer(exchange, rule));
        server.start();
    }

    static EnforcingReceiver http(Function<Seen, Answer> rule) throws IOException {
        return new EnforcingReceiver(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0),
                false, rule);
    }

    /** HTTPS that refuses the handshake of a client without a certificate that {@code tls} trusts. */
    static EnforcingReceiver httpsWithClientCertificates(SSLContext tls, Function<Seen, Answer> rule) throws IOException {
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters parameters = tls.getDefaultSSLParameters();
                parameters.setNeedClientAuth(true);
                params.setSSLParameters(parameters);
            }
        });
        return new EnforcingReceiver(server, true, rule);
    }

    String url(String path) {
        return (https ? "https" : "http") + "://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    List<Seen> seen(String path) {
        return seen.stream().filter(s -> s.path().equals(path)).toList();
    }

    private void answer(HttpExchange exchange, Function<Seen, Answer> rule) throws IOException {
        String subject = null;
        if (exchange instanceof HttpsExchange secure) {
            SSLSession session = secure.getSSLSession();
            try {
                subject = ((java.security.cert.X509Certificate) session.getPeerCertificates()[0])
                        .getSubjectX500Principal().getName();
            } catch (javax.net.ssl.SSLPeerUnverifiedException none) {
                subject = null;
            }
        }
        Seen request = new Seen(exchange.getRequestURI().getPath(), exchange.getRequestHeaders().getFirst("Authorization"),
                subject, new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        seen.add(request);
        Answer answer = rule.apply(request);
        byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(answer.status(), body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
