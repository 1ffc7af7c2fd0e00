from tests.partnerships.conftest import make_referral  # noqa: F401 - a fixture
