package dev.vkubelet.core.launcher;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import dev.vkubelet.core.cli.Cli;
import dev.vkubelet.core.cli.UsageException;
import dev.vkubelet.core.traces.Reports;
import dev.vkubelet.core.traces.RunAnalysis;
import dev.vkubelet.core.traces.SpanFile;
import dev.vkubelet.core.traces.SpanLine;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** {@code virtual-kubelet traces compare FILE...}: span files of runs reported side by side. */
@Parameters(separators = " =", commandDescription = "Compare traces across providers: 'traces compare FILE...'"
        + " reads span files of the file exporter (one run each) and reports them side by side")
final class TracesCommand implements Cli.Subcommand {
    @Parameter(description = "compare FILE...")
    List<String> arguments = new ArrayList<>();

    @Parameter(names = "--html", description = "Also write the comparison as a self-contained HTML page here")
    String html;

    @Parameter(names = "--label", description = "A name for the run of the same position (default: its provider);"
            + " repeatable")
    List<String> labels = new ArrayList<>();

    @Parameter(names = {"--help", "-h"}, help = true, description = "Show this help")
    boolean help;
    private final PrintStream out;

    TracesCommand(PrintStream out) {
        this.out = Objects.requireNonNull(out, "out");
    }

    @Override
    public String name() {
        return "traces";
    }

    @Override
    public boolean helpRequested() {
        return help;
    }

    @Override
    public int run() throws IOException {
        TracesCommand traces = this;
        if (traces.arguments.isEmpty() || !"compare".equals(traces.arguments.get(0))) {
            throw new UsageException("traces: the only subcommand is 'compare FILE...'");
        }
        List<String> files = traces.arguments.subList(1, traces.arguments.size());
        if (files.isEmpty()) {
            throw new UsageException("traces compare: give at least one span file (from --trace-exporter file)");
        }
        if (traces.labels.size() > files.size()) {
            throw new UsageException("traces compare: more --label values than span files");
        }
        List<RunAnalysis> runs = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            Path file = Path.of(files.get(i));
            if (!Files.isRegularFile(file)) {
                throw new UsageException("traces compare: no span file " + file);
            }
            List<SpanLine> spans;
            try {
                spans = SpanFile.read(file);
            } catch (IllegalArgumentException e) {
                throw new UsageException("traces compare: malformed span file: " + e.getMessage());
            }
            runs.add(RunAnalysis.of(i < traces.labels.size() ? traces.labels.get(i) : null,
                    file, spans));
        }
        out.print(Reports.text(runs));
        if (traces.html != null) {
            Files.writeString(Path.of(traces.html), Reports.html(runs));
            out.println("HTML report: " + Path.of(traces.html).toAbsolutePath());
        }
        return Cli.OK;
    }
}
