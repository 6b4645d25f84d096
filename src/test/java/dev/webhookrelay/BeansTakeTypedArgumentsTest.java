package dev.webhookrelay;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;

import java.util.List;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.domain.JavaParameter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import dev.webhookrelay.api.problem.ProblemResponder;
import dev.webhookrelay.auth.AdminTokenGuard;
import dev.webhookrelay.auth.ApiKeyAuthenticator;
import dev.webhookrelay.auth.HttpCaller;
import dev.webhookrelay.ingest.AcceptedEventResponder;
import dev.webhookrelay.sources.SourceReceiver;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Expression;
import org.apache.camel.Header;
import org.apache.camel.Headers;
import org.apache.camel.Predicate;
import org.apache.camel.Variable;

/**
 * The beans the routes call take typed arguments (the tenant, the caller, a path id, the body), bound
 * by Camel's annotations, and return their answer; the console calls the same methods. Only the HTTP
 * boundary takes the whole exchange: the authenticators, which read the request itself and name its
 * tenant and caller; the responders, which write the answer's status and headers; the sources'
 * receiver, which verifies a sender's signature over the raw request; and Camel's own expressions
 * and predicates.
 */
@AnalyzeClasses(packages = "dev.webhookrelay", importOptions = ImportOption.DoNotIncludeTests.class)
class BeansTakeTypedArgumentsTest {

    private static final DescribedPredicate<JavaMethod> TAKE_AN_EXCHANGE = DescribedPredicate.describe(
            "take an Exchange", method -> method.getRawParameterTypes().stream()
                    .anyMatch(type -> type.isEquivalentTo(Exchange.class)));

    @ArchTest
    static final ArchRule onlyTheHttpBoundaryTakesTheExchange = methods()
            .that().arePublic().and(TAKE_AN_EXCHANGE)
            .should().beDeclaredInClassesThat(belongToAnyOf(ApiKeyAuthenticator.class, AdminTokenGuard.class,
                    HttpCaller.class, ProblemResponder.class, AcceptedEventResponder.class, SourceReceiver.class)
                    .or(assignableTo(Expression.class)).or(assignableTo(Predicate.class)));

    /** Camel binds a parameter without an annotation to the body: a forgotten annotation would compile and bind wrong. */
    @ArchTest
    static final ArchRule aBoundMethodNamesWhereEveryArgumentComesFrom = methods()
            .that().arePublic().and(DescribedPredicate.describe("bind a parameter with Camel's annotations",
                    method -> method.getParameters().stream().anyMatch(BeansTakeTypedArgumentsTest::bound)))
            .should(new ArchCondition<>("bind every parameter with one") {
                @Override
                public void check(JavaMethod method, ConditionEvents events) {
                    List<JavaParameter> unbound = method.getParameters().stream().filter(p -> !bound(p)).toList();
                    events.add(new SimpleConditionEvent(method, unbound.isEmpty(),
                            method.getFullName() + " leaves " + unbound.size() + " parameter(s) to Camel's body binding"));
                }
            });

    private static boolean bound(JavaParameter parameter) {
        return parameter.isAnnotatedWith(ExchangeProperty.class) || parameter.isAnnotatedWith(Header.class)
                || parameter.isAnnotatedWith(Headers.class) || parameter.isAnnotatedWith(Body.class)
                || parameter.isAnnotatedWith(Variable.class);
    }
}
