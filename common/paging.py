"""Tables configured from the query string without letting it choose the page size. django-tables2
reads ?per_page= as any integer: -1 raised EmptyPage (HTTP 500) and 10**9 would render every row."""

from django.core.paginator import EmptyPage
from django_tables2 import RequestConfig

from common.ids import parse_int


def configure_table(request, table):
    """Sort from the request; the page size is the table's own; a page past the end shows the last
    one and anything that is not a page number shows the first."""
    RequestConfig(request, paginate=False).configure(table)
    page = parse_int(request.GET.get(table.prefixed_page_field, "")) or 1
    try:
        table.paginate(page=page)
    except EmptyPage:
        table.paginate(page=table.paginator.num_pages)
    return table
