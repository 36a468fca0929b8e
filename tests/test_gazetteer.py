"""Province and city completed from the administrative divisions where a name is unique."""

import pytest

from gongkai.data.record import Region
from gongkai.inference.gazetteer import complete_region, places
from gongkai.inference.meta import extract_meta

pytestmark = pytest.mark.skipif(places() is None, reason="cpca (the division table) not installed")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (Region(city="盐城市", county="亭湖区"), Region(province="江苏省", city="盐城市", county="亭湖区")),
        (Region(county="洪泽区"), Region(province="江苏省", city="淮安市", county="洪泽区")),
        (Region(city="赣州市"), Region(province="江西省", city="赣州市")),
        # a district of a municipality: the municipality is province and city
        (Region(county="密云区"), Region(province="北京市", city="北京市", county="密云区")),
        # 鼓楼区 lies in several cities: nothing is guessed...
        (Region(county="鼓楼区"), Region(county="鼓楼区")),
        # ...unless the city says which
        (Region(city="南京市", county="鼓楼区"), Region(province="江苏省", city="南京市", county="鼓楼区")),
        # what the name prints is kept when it disagrees with the table
        (Region(province="江苏省", city="福州市"), Region(province="江苏省", city="福州市")),
        (Region(), Region()),
    ],
)
def test_complete_region(given, expected):
    assert complete_region(given) == expected


def test_meta_region_from_a_title_without_province():
    text = "盐城市亭湖区人民政府2023年政府信息公开工作年度报告\n\n一、总体情况\n……"
    meta = extract_meta(text)
    assert meta.region == Region(province="江苏省", city="盐城市", county="亭湖区")
