package dev.vkubelet.provider.aws;

import dev.vkubelet.provider.ProviderFactory;
import dev.vkubelet.provider.testkit.ProviderConformanceTest;
import java.nio.file.Path;
import java.util.Optional;

/** The provider conformance suite against the embedded ECS emulator, through the SDK. */
class AwsProviderConformanceTest extends ProviderConformanceTest {

    private static final Path CONFIG = TestConfigs.fast();

    @Override
    protected ProviderFactory factory() {
        return new AwsProviderFactory();
    }

    @Override
    protected Optional<Path> configPath() {
        return Optional.of(CONFIG);
    }
}
