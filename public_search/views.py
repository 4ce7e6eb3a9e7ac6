from django.shortcuts import render


def home(request):
    """首页: the public search box (PUB-01) and the way in for filers."""
    return render(request, "public_search/home.html")
