// results.csv of a RunResult.
#include "reports/csv_report.h"

#include "reports/run_tables.h"

namespace moeplan::reports {

std::string render_csv_report(const RunResult& result) { return render_table_csv(results_csv_table(result)); }

}  // namespace moeplan::reports
