"""A service's ValidationError shown on the form that called it, for every screen that saves through a service."""


def add_service_errors(form, exc):
    """Field errors on their field, the rest (and errors of fields the form lacks) on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
