from django.urls import path

from vendors import api

urlpatterns = [
    path("vendors/", api.VendorListApi.as_view(), name="api-vendors"),
    path("vendors/mine/", api.MyVendorsApi.as_view(), name="api-vendors-mine"),
    path("vendors/<slug:slug>/", api.VendorDetailApi.as_view(), name="api-vendor"),
    path("vendors/<slug:slug>/documents/", api.VendorDocumentsApi.as_view(), name="api-vendor-documents"),
    path("products/", api.ProductListApi.as_view(), name="api-products"),
    path("products/<int:pk>/", api.ProductDetailApi.as_view(), name="api-product"),
    path("documents/review-queue/", api.ReviewQueueApi.as_view(), name="api-review-queue"),
    path("documents/<int:pk>/", api.DocumentDetailApi.as_view(), name="api-document"),
    path("documents/<int:pk>/review/", api.DocumentReviewApi.as_view(), name="api-document-review"),
]
