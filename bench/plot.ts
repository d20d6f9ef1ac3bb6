// `make bench-plot`: renders docs/img/system-bench.png and docs/img/soak-bench.png again from the
// newest figures in .var/bench (written by `make bench-system` and `make soak`), without running either.
//   BENCH_PLOT_SYSTEM=.var/bench/system-….json BENCH_PLOT_SOAK=.var/bench/soak-….json: other runs
import { renderBenchPlot } from './plot/render';

renderBenchPlot()
  .then((file) => console.log(`plot: ${file}`))
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
