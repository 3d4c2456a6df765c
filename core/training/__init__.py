"""Training material (培训资料) and good-practice examples (优秀案例) the information bureau sends to the departments.

The guideline asks the bureau to train every department and to spread good
practice. The bureau uploads material (files, a description, a due date) for
an audience by role and by site, and publishes it; the `training.distribute`
job delivers it to each person of the audience through the admin inbox (and
by e-mail), including those who join the audience later; recipients read it
on their site's admin and confirm "I have read it"; the bureau sees, per site,
who has and who has not; `training.remind` reminds once, a few working days
before the due date, those who have not. The parts: `models`, `queries` (the
audience, the figures), `files` (what a training file may be), `operations`,
`jobs`, `charts`, `forms`, `views`.
"""
from __future__ import annotations


def init_app(app) -> None:
    from core.security.checks_files import add_platform_files
    from core.training import audit_labels, jobs, views  # noqa: F401  (jobs: its @scheduled declarations)
    from core.training.files import training_folder
    from core.training.queries import stored_files

    audit_labels.register()
    views.init_app(app)
    # Checked when uploaded, and every day after by the file checks, as the platform's files (not a site's).
    add_platform_files("training", training_folder, stored_files, page="/platform/training/")
