from rest_framework.pagination import PageNumberPagination


class ApiPagination(PageNumberPagination):
    page_query_param = "pagina"
    page_size = 100
    page_size_query_param = "por_pagina"
    max_page_size = 1000
