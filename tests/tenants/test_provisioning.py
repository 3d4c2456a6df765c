"""Creating and changing sites: bad input is refused whole, with the reason."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.sections.models import Section
from tenants.models import Tenant, TenantDomain
from tenants.provisioning import ProvisioningError, create_tenant


def _counts(app):
    with app.app_context():
        return tuple(db.session.execute(select(func.count()).select_from(model).execution_options(all_tenants=True)).scalar()
                     for model in (Tenant, TenantDomain, Section))


@pytest.mark.parametrize("kwargs, field, words", [
    (dict(slug="rsj"), "slug", "已被其他站点使用"),
    (dict(slug="new", name_zh=""), "name_zh", "请填写中文名称"),
    (dict(slug="new", name_en="  "), "name_en", "请填写英文名称"),
    (dict(slug="new", domain="bad_domain!"), "domain", "不是有效的域名"),
    (dict(slug="new", domain="renshi.localhost"), "domain", "已被站点“rsj”使用"),
    (dict(slug="new", aliases=["rsj.localhost"]), "alias rsj.localhost", "已被站点“rsj”使用"),
    (dict(slug="new", domain="admin.localhost"), "domain", "为门户或平台保留"),
    (dict(slug="Bad Slug"), "slug", "2-32 个字符"),
    (dict(slug="admin"), "slug", "为系统保留名称"),
    (dict(slug="new", accent="pink"), "accent", "主题色须为以下之一"),
])
def test_bad_site_is_refused_naming_the_field_and_nothing_is_written(app, two_sites, kwargs, field, words):
    before = _counts(app)
    args = dict(name_zh="新局", name_en="New Bureau") | kwargs
    with app.app_context():
        with pytest.raises(ProvisioningError) as caught:
            create_tenant(**args)
        db.session.rollback()
    assert words in caught.value.problems[field]
    assert _counts(app) == before


def test_every_problem_is_reported_at_once(app, two_sites):
    with app.app_context():
        with pytest.raises(ProvisioningError) as caught:
            create_tenant(slug="rsj", name_zh="", name_en="", domain="x y")
    assert set(caught.value.problems) == {"slug", "name_zh", "name_en", "domain"}


def test_cli_refuses_with_message_and_exit_code(app, two_sites, runner):
    before = _counts(app)
    result = runner.invoke(args=["tenants", "create", "--slug", "czj", "--name-zh", "x", "--name-en", "x",
                                 "--domain", "rsj.localhost"])
    assert result.exit_code == 2
    assert "slug: 简称“czj”已被其他站点使用" in result.output
    assert "domain: “rsj.localhost”已被站点“rsj”使用" in result.output
    assert _counts(app) == before


def test_cli_creates_lists_and_manages_domains(app, runner, client_for):
    result = runner.invoke(args=["tenants", "create", "--slug", "jtj", "--name-zh", "廊坊市交通局",
                                 "--name-en", "Langfang Municipal Transport Bureau", "--window"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["tenants", "add-domain", "jtj", "jiaotong.localhost"]).exit_code == 0
    listing = runner.invoke(args=["tenants", "list"]).output
    assert "jtj.localhost (aliases: jiaotong.localhost)" in listing
    assert client_for("jiaotong.localhost").get("/").status_code == 301
    refused = runner.invoke(args=["tenants", "add-domain", "jtj", "jiaotong.localhost"])
    assert refused.exit_code == 2 and "已被站点“jtj”使用" in refused.output
    assert runner.invoke(args=["tenants", "add-domain", "jtj", "jt.localhost", "--primary"]).exit_code == 0
    assert client_for("jt.localhost").get("/").status_code == 200
    assert client_for("jtj.localhost").get("/").headers["Location"] == "http://jt.localhost/"
    assert runner.invoke(args=["tenants", "remove-domain", "jtj", "jiaotong.localhost"]).exit_code == 0
    assert client_for("jiaotong.localhost").get("/").status_code == 404
    refused = runner.invoke(args=["tenants", "remove-domain", "jtj", "jt.localhost"])
    assert refused.exit_code == 2 and "主域名不能删除" in refused.output


def test_unknown_site_in_cli_is_an_error(runner):
    result = runner.invoke(args=["tenants", "suspend", "nosuch"])
    assert result.exit_code == 2 and "站点“nosuch”不存在" in result.output
