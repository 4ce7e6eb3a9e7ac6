from django import template

register = template.Library()


@register.filter
def labelled_by(numbers, columns):
    """`{% for column, n in numbers|labelled_by:table.columns %}`: each number with its column's name, so
    that a phone shows the row as a card of labelled lines."""
    return list(zip(columns, numbers, strict=False))
