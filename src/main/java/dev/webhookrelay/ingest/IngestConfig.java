package dev.webhookrelay.ingest;

import javax.sql.DataSource;

import dev.webhookrelay.config.RelayProperties;
import org.apache.camel.spring.spi.SpringTransactionPolicy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/** Beans the ingest route refers to by name: its idempotent repository and transaction policy. */
@Configuration
public class IngestConfig {

    @Bean
    public ConflictSafeIdempotentRepository idempotencyRepository(DataSource dataSource) {
        return new ConflictSafeIdempotentRepository(dataSource, "ingest-event");
    }

    /**
     * The ingest transaction, with a deadline: Spring gives each of its statements the time left
     * (pgjdbc cancels one that runs past it), so no event, whatever its endpoints' filters, holds a
     * connection and a PostgreSQL core longer than relay.ingest.transaction-timeout.
     */
    @Bean("requiredTransaction")
    public SpringTransactionPolicy requiredTransaction(PlatformTransactionManager transactionManager,
            RelayProperties properties) {
        TransactionTemplate template = new TransactionTemplate(transactionManager);
        template.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRED);
        template.setTimeout((int) Math.max(1, properties.ingest().transactionTimeout().toSeconds()));
        return new SpringTransactionPolicy(template);
    }
}
