from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def workspace(request):
    """The filer's main page after login (manual 图 4): the three parts to fill."""
    return render(request, "filers/workspace.html")
