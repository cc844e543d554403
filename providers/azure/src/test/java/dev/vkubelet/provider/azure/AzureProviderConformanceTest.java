package dev.vkubelet.provider.azure;

import dev.vkubelet.provider.ProviderFactory;
import dev.vkubelet.provider.testkit.ProviderConformanceTest;
import java.nio.file.Path;
import java.util.Optional;

/** The provider conformance suite against the embedded ARM emulator, through the Azure SDK. */
class AzureProviderConformanceTest extends ProviderConformanceTest {

    private static final Path CONFIG = TestConfigs.fast();

    @Override
    protected ProviderFactory factory() {
        return new AzureProviderFactory();
    }

    @Override
    protected Optional<Path> configPath() {
        return Optional.of(CONFIG);
    }
}
