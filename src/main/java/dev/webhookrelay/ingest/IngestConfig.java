package dev.webhookrelay.ingest;

import javax.sql.DataSource;

import org.apache.camel.spring.spi.SpringTransactionPolicy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/** Beans the ingest route refers to by name: its idempotent repository and transaction policy. */
@Configuration
public class IngestConfig {

    @Bean
    public ConflictSafeIdempotentRepository idempotencyRepository(DataSource dataSource) {
        return new ConflictSafeIdempotentRepository(dataSource, "ingest-event");
    }

    @Bean("requiredTransaction")
    public SpringTransactionPolicy requiredTransaction(PlatformTransactionManager transactionManager) {
        SpringTransactionPolicy policy = new SpringTransactionPolicy(transactionManager);
        policy.setPropagationBehaviorName("PROPAGATION_REQUIRED");
        return policy;
    }
}
