//! The work budgets of `aqua run` and `aqua air run`: applied to a run's options, and explained
//! when a run exceeds one, naming the flag that raises it.

use air_network::{RunOptions, RunReport, Stop};

use crate::cli::BudgetArgs;

/// Sets the step and run budgets of `options`.
pub(crate) fn apply(budget: &BudgetArgs, options: &mut RunOptions) {
    options.limits.max_instructions = budget.step_budget;
    options.max_instructions = budget.run_budget;
}

/// Why the run was cut short by a budget, with the flag that raises it; `None` if it was not.
pub(crate) fn exceeded(budget: &BudgetArgs, report: &RunReport) -> Option<String> {
    if report.stop == Stop::InstructionBudget {
        return Some(format!(
            "the run executed more than {} instructions (its budget); raise it with \
             --run-budget N",
            budget.run_budget
        ));
    }
    let hop = report
        .hops
        .iter()
        .find(|hop| hop.errors.iter().any(|error| error.is_instruction_limit()))?;
    Some(format!(
        "a step on peer {} executed more than {} instructions (its budget); raise it with \
         --step-budget N",
        hop.to, budget.step_budget
    ))
}
