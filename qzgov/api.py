"""The /api/ of qzgov (issue 14 §6): one django-ninja API, each app's ``router`` mounted at
its old prefix; ``/api/openapi.json`` and ``/api/docs`` describe every endpoint.

To add an app's endpoints: ``router = ApiRouter("app")`` in ``apps/<app>/api.py`` and one
line below (README: “Adding an API endpoint”)."""

from apps.core.api import QzAPI

api = QzAPI(
    title="衢州市人民政府业务系统接口",
    version="1",
    description=(
        "供结算系统、省平台等对接方使用。认证:`Authorization: Token <key>`(安全管理员签发的"
        "API令牌,限定模块,默认只读)或已登录的工作人员会话。错误均为JSON "
        "`{\"error\": 中文说明, \"parameter\": 出错的参数}`:400 参数有误,401 未认证,"
        "403 无权限或令牌范围不符,404 记录不存在,405 请求方法不支持。金额为字符串(元)。"
    ),
)
api.add_router("", "apps.core.views.router")
api.add_router("awards/", "apps.awards.api.router")
api.add_router("personnel/", "apps.personnel.api.router")
api.add_router("regulations/", "apps.regulations.api.router")
api.add_router("doctors/", "apps.doctors.api.router")
api.add_router("subsidies/", "apps.subsidies.api.router")
api.add_router("land/", "apps.land.api.router")
api.add_router("ecology/", "apps.ecology.api.router")
api.add_router("grants/", "apps.grants.api.router")
api.add_router("", "apps.pairings.api.router")  # /api/pairings (no trailing part)
api.add_router("bizenv/", "apps.bizenv.api.router")
api.add_router("tourism/", "apps.tourism.api.router")

urlpatterns = api.url_patterns()
