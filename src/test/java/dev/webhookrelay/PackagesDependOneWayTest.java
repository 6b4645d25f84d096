package dev.webhookrelay;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.webhookrelay.config.RelayProperties;

/**
 * The packages depend on each other one way: from the features (admin, sources, replay, reconcile
 * and retention on top; ingest, delivery and their neighbours below them) down to the shared parts,
 * which are auth, urlsafety and signing, then api (request reading and problem answers), then
 * config. The routes in routes/ call beans of every package; Java never calls back up.
 */
@AnalyzeClasses(packages = "dev.webhookrelay", importOptions = ImportOption.DoNotIncludeTests.class)
class PackagesDependOneWayTest {

    private static final String BASE = "dev.webhookrelay.";

    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("dev.webhookrelay.(*)..")
            .should().beFreeOfCycles();

    @ArchTest
    static final ArchRule relayPropertiesDependOnNothingOfOurs = noClasses()
            .that(belongToAnyOf(RelayProperties.class))
            .should().dependOnClassesThat(ours().and(not(belongToAnyOf(RelayProperties.class))));

    @ArchTest
    static final ArchRule configDependsOnNoOtherPackage = noClasses()
            .that().resideInAPackage(BASE + "config")
            .should().dependOnClassesThat(oursOtherThan("config"));

    @ArchTest
    static final ArchRule problemAnswersDependOnNoOtherPackage = noClasses()
            .that().resideInAPackage(BASE + "api.problem")
            .should().dependOnClassesThat(oursOtherThan("api.problem"));

    @ArchTest
    static final ArchRule apiDependsOnlyOnConfig = noClasses()
            .that().resideInAPackage(BASE + "api..")
            .should().dependOnClassesThat(oursOtherThan("api", "api.problem", "config"));

    @ArchTest
    static final ArchRule sharedGuardsDependOnlyOnEachOtherApiAndConfig = noClasses()
            .that().resideInAnyPackage(BASE + "auth", BASE + "urlsafety", BASE + "signing")
            .should().dependOnClassesThat(oursOtherThan("auth", "urlsafety", "signing", "api", "api.problem", "config"));

    @ArchTest
    static final ArchRule deliveryNeverDependsOnTheApiFeatures = noClasses()
            .that().resideInAPackage(BASE + "delivery")
            .should().dependOnClassesThat(packages("admin", "ingest", "replay", "query", "quota", "reconcile", "metrics",
                    "sources"));

    @ArchTest
    static final ArchRule ingestNeverDependsOnTheDeliverySide = noClasses()
            .that().resideInAPackage(BASE + "ingest")
            .should().dependOnClassesThat(packages("delivery", "broker", "outbox", "reconcile", "admin", "replay",
                    "sources"));

    /**
     * Only routes call admin, sources, replay, reconcile and retention: they are the tops of the graph.
     * The web console is the other way in: it calls admin and replay (as the API does), and nothing calls it.
     */
    @ArchTest
    static final ArchRule nothingDependsOnTheRouteEntryPackages = noClasses()
            .that(not(packages("admin", "sources", "replay", "reconcile", "retention", "console")))
            .should().dependOnClassesThat(packages("admin", "sources", "replay", "reconcile", "retention"));

    @ArchTest
    static final ArchRule nothingDependsOnTheConsole = noClasses()
            .that(not(packages("console")))
            .should().dependOnClassesThat(packages("console"));

    private static DescribedPredicate<JavaClass> ours() {
        return resideInAPackage(BASE + ".");
    }

    private static DescribedPredicate<JavaClass> packages(String... names) {
        String[] full = new String[names.length];
        for (int i = 0; i < names.length; i++) {
            full[i] = BASE + names[i];
        }
        return resideInAnyPackage(full);
    }

    private static DescribedPredicate<JavaClass> oursOtherThan(String... names) {
        return ours().and(not(packages(names))).as("classes of ours outside " + String.join(", ", names));
    }
}
