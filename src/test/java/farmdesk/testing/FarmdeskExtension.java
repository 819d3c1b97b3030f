package farmdesk.testing;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.util.List;

import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;

import farmdesk.Farmdesk;
import farmdesk.Settings;

/**
 * The one way tests start an in-process Farmdesk ({@link FarmdeskServer}). It resolves parameters of
 * constructors, {@code @BeforeAll} and test methods:
 * <ul>
 * <li>{@link Api}, {@link Farmdesk}, {@link URI} (the base): the test class's server, started on first
 *     request (a class whose tests only use {@link Servers} starts none) and closed after the class;</li>
 * <li>{@link Servers}: servers of the test's own, closed when the test ends, even if it failed.</li>
 * </ul>
 * Both are values in JUnit's extension store, which closes them when their scope ends (after {@code
 * @AfterEach} / {@code @AfterAll}), so nothing a test started outlives it.
 */
public final class FarmdeskExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(FarmdeskExtension.class);

    /** The class's server and its client, closed with the class's scope. */
    private record ClassServer(Farmdesk app, Api api) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            app.close();
        }
    }

    /** The test's own servers, closed with the scope they were asked in (the test method's). */
    private record OwnServers(Servers servers) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            servers.closeAll();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == Api.class || type == Farmdesk.class || type == URI.class || type == Servers.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        if (type == Servers.class) {
            return context.getStore(NAMESPACE)
                    .getOrComputeIfAbsent(OwnServers.class, k -> new OwnServers(new Servers()), OwnServers.class)
                    .servers();
        }
        ClassServer server = classServer(context);
        if (type == Api.class) {
            return server.api();
        }
        if (type == Farmdesk.class) {
            return server.app();
        }
        return server.api().base();
    }

    /** The server of the top-level test class (nested classes and every test in it share it). */
    private static ClassServer classServer(ExtensionContext context) {
        ExtensionContext classScope = context;
        while (classScope.getParent().flatMap(ExtensionContext::getParent).isPresent()) {
            classScope = classScope.getParent().orElseThrow();
        }
        Class<?> testClass = classScope.getRequiredTestClass();
        return classScope.getStore(NAMESPACE).getOrComputeIfAbsent(ClassServer.class, k -> {
            Farmdesk app = Farmdesk.start(settingsOf(testClass));
            return new ClassServer(app, new Api(app.port()));
        }, ClassServer.class);
    }

    /** {@link TestSettings#builder()}, changed by the class's {@link ServerSettings} method if it has one. */
    private static Settings settingsOf(Class<?> testClass) {
        Settings.Builder settings = TestSettings.builder();
        List<Method> methods = AnnotationSupport.findAnnotatedMethods(testClass, ServerSettings.class,
                HierarchyTraversalMode.TOP_DOWN);
        if (methods.size() > 1) {
            throw new ExtensionConfigurationException(testClass.getName() + " has more than one @ServerSettings method");
        }
        for (Method m : methods) {
            if (!Modifier.isStatic(m.getModifiers()) || m.getParameterCount() != 1
                    || m.getParameterTypes()[0] != Settings.Builder.class) {
                throw new ExtensionConfigurationException("@ServerSettings " + m
                        + " must be static and take one Settings.Builder");
            }
            ReflectionSupport.invokeMethod(m, null, settings);
        }
        return settings.build();
    }
}
