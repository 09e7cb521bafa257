# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
# A Jinja template of a Python script (so black and ruff skip it): the logic lives in
# dlc_common.make.bake.finish, from the template's own checkout; answers arrive as JSON literals.
import sys

sys.path.insert(0, {{ (dlc_template_dir ~ "/..") | py_str }})
from dlc_common.make.bake import finish  # noqa: E402

answers = {{ cookiecutter | answers_json | py_str }}
sys.exit(finish(".", __import__("json").loads(answers), {{ dlc_template_dir | py_str }}))
