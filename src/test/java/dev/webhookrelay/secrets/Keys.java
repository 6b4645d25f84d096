package dev.webhookrelay.secrets;

import java.util.HashMap;
import java.util.Map;

import dev.webhookrelay.config.RelayProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.mock.env.MockEnvironment;

/** Master keys as the relay builds them from relay.secrets.*, for unit tests. */
final class Keys {

    static final String A = "3+DRCVJk82HydGAFeTjfRexbrnJgar6I/eQSl8WCHCo=";
    static final String B = "p1SiRbYIKalN91QVxTARqgAzhMfSvBowZLs1C5L4/SI=";
    static final String C = "h5XSA0V/uaz/lWc62uwcAxognp2A1TtRgFs5hpzG5Ww=";

    private Keys() {
    }

    static MasterKeys of(String master, String previous) {
        Map<String, String> settings = new HashMap<>();
        if (master != null) {
            settings.put("relay.secrets.master-key", master);
        }
        if (previous != null) {
            settings.put("relay.secrets.previous-keys", previous);
        }
        return build(settings, false);
    }

    static MasterKeys build(Map<String, String> settings, boolean devProfile) {
        Map<String, String> all = new HashMap<>(settings);
        all.putIfAbsent("relay.secrets.reencrypt-interval", "1m");
        all.putIfAbsent("relay.secrets.reencrypt-batch-size", "500");
        RelayProperties properties = new Binder(new MapConfigurationPropertySource(all))
                .bind("relay", RelayProperties.class).get();
        MockEnvironment environment = new MockEnvironment();
        if (devProfile) {
            environment.setActiveProfiles("dev");
        }
        return new MasterKeys(properties, environment);
    }
}
