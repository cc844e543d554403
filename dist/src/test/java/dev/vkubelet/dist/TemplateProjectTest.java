package dev.vkubelet.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The provider template stands alone, so it repeats versions the build defines once: they must
 * stay the same, or a provider author starts from a plugin built against another host.
 */
class TemplateProjectTest {

    private static final Path ROOT = Path.of(System.getProperty("vk.root"));

    private static Element properties(Path pom) throws Exception {
        Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
        return (Element) document.getDocumentElement().getElementsByTagName("properties").item(0);
    }

    private static String property(Element properties, String name) {
        return properties.getElementsByTagName(name).item(0).getTextContent().trim();
    }

    @Test
    void theTemplateBuildsAgainstThisReleaseWithTheSharedLibrariesVersions() throws Exception {
        Element template = properties(ROOT.resolve("providers/template/pom.xml"));
        Element parent = properties(ROOT.resolve("pom.xml"));
        Element providers = properties(ROOT.resolve("providers/pom.xml"));
        assertEquals(System.getProperty("vk.version"), property(template, "vk.version"));
        for (String shared : List.of("pf4j.version", "client-java.version", "slf4j.version", "junit.version")) {
            assertEquals(property(parent, shared), property(template, shared), shared);
        }
        assertEquals(property(providers, "plugin.requires"), property(template, "plugin.requires"));
    }
}
