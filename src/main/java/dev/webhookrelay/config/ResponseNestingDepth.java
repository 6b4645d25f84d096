package dev.webhookrelay.config;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import org.springframework.boot.autoconfigure.jackson.Jackson2ObjectMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Answers may nest deeper than requests: a payload is read up to Jackson's 1,000 levels, and an
 * answer wraps it in a few more (a page's {@code data}, its event). With the write limit at the
 * same 1,000, an event accepted 999 levels deep made every page of the tenant's event list a 500
 * until retention removed it. Writing allows a margin above the read limit.
 */
@Configuration
public class ResponseNestingDepth {

    /** Jackson's read limit (StreamReadConstraints' default), which bounds every stored payload. */
    static final int READ_LIMIT = StreamReadConstraints.DEFAULT_MAX_DEPTH;
    /** More than any answer adds around a payload. */
    static final int WRAPPING = 100;

    @Bean
    Jackson2ObjectMapperBuilderCustomizer answersNestAPayloadAsDeepAsItWasRead() {
        return builder -> builder.postConfigurer(mapper -> mapper.getFactory().setStreamWriteConstraints(
                StreamWriteConstraints.builder().maxNestingDepth(READ_LIMIT + WRAPPING).build()));
    }
}
